#!/usr/bin/env bash
# Scale benchmark: N SQL jobs over C local clusters (default 500 over 5), preview vs engine
# floor, REST calls per job on refresh, `up` changing 50 jobs (wall time, provider host RSS).
# Same set-up as run.sh (build, bench workspace). Knobs: BENCH_SCALE_* (see bench/README.md).
#   bash bench/scale.sh                                       # the full 500-job run (needs ~14 GB free)
#   BENCH_SCALE_JOBS=20 BENCH_SCALE_CLUSTERS=2 bash bench/scale.sh   # a quick smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_MAIN=scale.js exec bash bench/run.sh
