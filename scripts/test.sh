#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one:
#   1. install npm dependencies and build the package
#   2. prepare the real test bed (cached outside the repo, keyed by version):
#      Flink 1.20 and 2.x homes, the test job built against each, a Kafka broker, PostgreSQL and
#      MariaDB, the connector jars per Flink line, the pulumi CLI, a single-node Kubernetes's
#      binaries and images, the Flink Kubernetes Operator, Pulumi's Kubernetes provider
#   3. run unit, integration (real Flink) and e2e (real pulumi CLI + real Flink) tests, then the
#      Kubernetes e2e (a real single-node cluster and the real Flink Kubernetes Operator)
# Ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PULUMI_FLINK_CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
FLINK_VERSIONS="${FLINK_VERSIONS:-1.20.3 2.3.0}"
start=$(date +%s)
# Each step says how far into the run it starts: the cold and warm times in the README come from these.
step() { echo "==> [$(( $(date +%s) - start )) s] $*" >&2; }

step "npm dependencies"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm install --no-audit --no-fund >&2
fi
step "build"
npx tsc -p tsconfig.json
step "static checks: tests type-check (tsc -p tsconfig.test.json), lint (eslint), format (prettier --check)"
static_failed=0
npx tsc -p tsconfig.test.json --noEmit || static_failed=1
npm run --silent lint || static_failed=1
npm run --silent format:check || static_failed=1

# Every step that may run apt-get comes first: the background test bed below runs apt-get too.
step "test bed: PostgreSQL 15 and MariaDB (Debian packages, only if missing; never started as services)"
bash scripts/install-databases.sh

step "test bed: Prometheus, Alertmanager, promtool, amtool (Debian packages, only if missing)"
bash scripts/install-prometheus.sh >&2

step "test bed: a real kube-apiserver + etcd (Go module proxy, Debian) for the Kubernetes runtime tests"
export PULUMI_FLINK_KUBE_APISERVER
PULUMI_FLINK_KUBE_APISERVER=$(bash scripts/kube-apiserver.sh | tail -1)

step "test bed: Flink ${FLINK_VERSIONS} and the older line ${OLDER_LINE:-1.19.3}, test job"
lines=""
for v in $FLINK_VERSIONS; do
  home=$(bash scripts/install-flink.sh "$v")
  jar=$(bash scripts/build-test-job.sh "$home")
  lines+="$v=$home=$jar;"
done
export PULUMI_FLINK_TEST_LINES="$lines"
# One older line runs only the job-upgrade e2e on it (not every suite: time budget).
OLDER_LINE="${OLDER_LINE:-1.19.3}"
older_home=$(bash scripts/install-flink.sh "$OLDER_LINE")
export PULUMI_FLINK_OLDER_LINE="$OLDER_LINE=$older_home=$(bash scripts/build-test-job.sh "$older_home")"

step "test bed: Kafka broker $(node -p 'require("./tests/support/connectors.json").kafka') (Maven Central jars)"
export PULUMI_FLINK_KAFKA_LIBS
PULUMI_FLINK_KAFKA_LIBS=$(bash scripts/install-kafka.sh | tail -1)

step "test bed: Flink connector jars per line (Kafka, JDBC, drivers, MySQL CDC; tests/support/connectors.json)"
connectors=""
for v in $FLINK_VERSIONS; do
  connectors+="$v=$(bash scripts/fetch-connectors.sh "$v" | tail -1);"
done
export PULUMI_FLINK_CONNECTORS="$connectors"

step "test bed: Flink Kubernetes Operator CRDs from Maven Central (schema validation of emitted manifests)"
export PULUMI_FLINK_OPERATOR_CRDS
PULUMI_FLINK_OPERATOR_CRDS=$(bash scripts/fetch-operator-crds.sh "$(node -p 'require("./bin/provider/core/k8s/operator").OPERATOR_VERSION')")
# The older releases' CRDs too: emitted objects are validated against every release that accepts them.
for v in 1.3.0 1.7.0; do bash scripts/fetch-operator-crds.sh "$v" >/dev/null; done

results="$root/.work/jest"
mkdir -p "$results"
status=0

# The single-node Kubernetes's parts are CPU-bound Go builds on a cold machine (~14 min on 2 CPUs):
# they run in the background at the lowest priority, soaking up the CPU the real tests leave idle
# (nice 19 takes ~1/70 of a CPU a test wants), and tests/e2e/k8s-node.test.ts runs after the other
# suites. Warm, every part is cached and this ends in seconds. Started after every apt-get and
# Maven step above (they would contend for dpkg's lock and ~/.m2); the pulumi CLI's Go build and
# the workspace below run beside it.
step "test bed (background, lowest priority): a single-node Kubernetes's parts (kubelet, controller-manager, scheduler, kube-proxy, kubectl from the Go module proxy; containerd, runc, CNI from Debian), the Flink ${OLDER_LINE} image, the Flink Kubernetes Operator 1.7.0's jars, Pulumi's Kubernetes provider (Go module proxy); lines prefixed [kube bed]"
kube_bed_start=$(date +%s)
rm -f "$results/kube-bed-done"
# Operator 1.7.0's CRD stops at Flink 1.19: the older line is the one its pods run.
nice -n 19 bash -c 'set -e
  bash scripts/kube-node.sh >/dev/null
  bash scripts/kube-images.sh "$1" >/dev/null
  bash scripts/kube-operator.sh --prepare 1.7.0
  bash scripts/install-pulumi-kubernetes.sh > "$2/kube-provider-dir"
  date +%s > "$2/kube-bed-done"' kube-bed "$OLDER_LINE" "$results" \
  > >(sed -u 's/^/[kube bed] /' >&2) 2>&1 &
kube_bed=$!

step "test bed: pulumi CLI"
export PULUMI_BIN_DIR
PULUMI_BIN_DIR=$(bash scripts/install-pulumi.sh | tail -1)

step "test bed: e2e workspace (the package packed and installed as a user would)"
export PULUMI_FLINK_E2E_WORKSPACE
PULUMI_FLINK_E2E_WORKSPACE=$(bash scripts/prepare-workspace.sh "$PULUMI_FLINK_CACHE/e2e-workspace")

# Each jest run gets a fresh folder of port-block claims (tests/support/testbed.ts portBlock):
# a test file taking another file's ports fails at once instead of colliding now and then.
claims() { rm -rf "$results/ports-$1"; mkdir -p "$results/ports-$1"; echo "$results/ports-$1"; }
step "unit tests"
PULUMI_FLINK_PORT_CLAIMS=$(claims unit) npx jest --ci --maxWorkers=2 --selectProjects unit --json --outputFile="$results/unit.json" || status=1
# Two files at a time: most of a real test's time is spent waiting on Flink (checkpoints, restarts,
# health windows). On 2 CPUs, warm: 2,113 s with two workers against 3,719 s one file at a time.
workers="${PULUMI_FLINK_TEST_WORKERS:-2}"
step "integration and e2e tests (real Flink, real pulumi CLI; $workers files at a time)"
PULUMI_FLINK_PORT_CLAIMS=$(claims real) npx jest --ci --maxWorkers="$workers" --selectProjects integration e2e \
  --testPathIgnorePatterns tests/e2e/k8s-node.test.ts --json --outputFile="$results/real.json" || status=1

step "waiting for the Kubernetes test bed (background build above)"
if wait "$kube_bed"; then
  echo "[kube bed] was ready $(( $(cat "$results/kube-bed-done") - kube_bed_start )) s after it started" >&2
  export PULUMI_FLINK_KUBE_PROVIDER
  PULUMI_FLINK_KUBE_PROVIDER=$(tail -1 "$results/kube-provider-dir")
else
  echo "[kube bed] FAILED (see the [kube bed] lines above): tests/e2e/k8s-node.test.ts fails for want of it" >&2
fi
step "Kubernetes for real: a single-node cluster, the Flink Kubernetes Operator, the real pulumi CLI (tests/e2e/k8s-node.test.ts)"
PULUMI_FLINK_PORT_CLAIMS=$(claims kube) npx jest --ci --runInBand --selectProjects e2e --testPathPatterns tests/e2e/k8s-node.test.ts \
  --json --outputFile="$results/kube.json" || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = Number(process.argv[1]);
  for (const f of process.argv.slice(2)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$static_failed" "$results/unit.json" "$results/real.json" "$results/kube.json"
[[ $static_failed == 0 ]] || { echo "static checks failed (see above)" >&2; status=1; }
step "done in $(( $(date +%s) - start )) s"
exit $status
