#!/usr/bin/env bash
# Regenerate the synthetic example history in data/ from the synthetic
# council scenario: one simulated replication, written as the history CSVs
# `caseflow fit` and `caseflow backtest` read. The seed fixes the result.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -- history scenarios/synthetic-council.toml --seed 2024 --out data/synthetic
