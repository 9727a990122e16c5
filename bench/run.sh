#!/usr/bin/env bash
# pulumi-flink benchmarks: build, prepare a workspace with the packed package, run bench/bench.js
# (downtime per redeploy; 20 jobs in one `pulumi up`), print a Markdown table on stdout.
# Progress goes to stderr. Measurements, not tests: nothing here fails on a missed goal.
#
#   bash bench/run.sh                      # everything (~10 min on 2 cores)
#   BENCH_PARTS=downtime bash bench/run.sh # one part; knobs: see bench/README.md
set -euo pipefail
cd "$(dirname "$0")/.."
export PULUMI_FLINK_CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
step() { echo "==> $*" >&2; }

# The test bed (Flink homes, test job jars, pulumi CLI) comes from scripts/test.sh's cache.
if [[ -z "${PULUMI_FLINK_TEST_LINES:-}" || -z "${PULUMI_BIN_DIR:-}" ]]; then
  if [[ -f /tmp/testenv.sh ]]; then
    # shellcheck disable=SC1091
    source /tmp/testenv.sh
  else
    step "test bed: Flink ${BENCH_FLINK_VERSION:-2.3.0}, test job, pulumi CLI"
    home=$(bash scripts/install-flink.sh "${BENCH_FLINK_VERSION:-2.3.0}")
    jar=$(bash scripts/build-test-job.sh "$home")
    export PULUMI_FLINK_TEST_LINES="${BENCH_FLINK_VERSION:-2.3.0}=$home=$jar;"
    PULUMI_BIN_DIR=$(bash scripts/install-pulumi.sh | tail -1)
    export PULUMI_BIN_DIR
  fi
fi

step "npm dependencies and build"
if [[ ! -d node_modules ]]; then npm install --no-audit --no-fund >&2; fi
npx tsc -p tsconfig.json

# A workspace of its own (not the e2e one): re-packing a workspace while a test suite runs
# Pulumi programs from it would break that suite. Re-prepared only when the build changed.
export BENCH_WORKSPACE="${BENCH_WORKSPACE:-$PULUMI_FLINK_CACHE/bench-workspace}"
if [[ ! -d "$BENCH_WORKSPACE/node_modules/pulumi-flink/bin" ]] || ! diff -rq bin "$BENCH_WORKSPACE/node_modules/pulumi-flink/bin" >/dev/null 2>&1; then
  step "workspace: packing pulumi-flink into $BENCH_WORKSPACE"
  bash scripts/prepare-workspace.sh "$BENCH_WORKSPACE" >/dev/null
else
  step "workspace: $BENCH_WORKSPACE is up to date"
fi

step "benchmarks"
exec node "bench/${BENCH_MAIN:-bench.js}"
