#!/usr/bin/env bash
# The nine runs whose outputs a refactor must leave byte-identical:
#   scripts/nine-runs.sh BINARY OUT_DIR
# then `diff -r` two OUT_DIRs. Lines that state how long a run took are
# removed, since they differ between any two runs.
set -euo pipefail
bin=$(realpath "$1")
out=$2
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
for s in quickstart halton-2015-baseline health-check-example dols-2026 region-2026 mm20 synthetic-council halton-2015-independent-bias; do
  "$bin" run "scenarios/$s.toml" -n 16 -j 2 --out "$out" --force --quiet
done
"$bin" health-check scenarios/health-check-example.toml \
  --staff-history data/health-check-example-staff.csv \
  --activity-history data/health-check-example-activity.csv \
  --no-search -n 16 -j 2 --out "$out" --force --quiet
# Timings and the run's wall-clock stamp differ between any two runs.
{ grep -rlE '[0-9.]+ s\b|seconds|elapsed|generated' "$out" || true; } | while read -r f; do
  case "$f" in *.png|*.xlsx) continue ;; esac
  sed -i -E 's/[0-9]+(\.[0-9]+)? s\b/N s/g; s/"(seconds|elapsed)": ?[0-9.e+-]+/"\1": N/g' "$f"
done
echo "nine runs written to $out"
