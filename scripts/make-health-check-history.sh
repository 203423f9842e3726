#!/usr/bin/env bash
# Regenerate the SYNTHETIC last-year history of the health check example
# (Fenmouth, a fictional council): one simulated replication (seed 2025)
# of scenarios/health-check-example.toml started a year earlier, April
# 2025 to March 2026, written as the staff and activity history CSVs that
# `caseflow health-check` reads. Every row's source column says it is
# synthetic. The seed fixes the result.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -- history scenarios/health-check-example.toml --set scenario.start=2025-04-01 \
    --seed 2025 --out data/health-check-example --force
