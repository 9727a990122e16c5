#!/usr/bin/env bash
# Run the real Flink Kubernetes Operator as a host process against the test bed's single-node
# Kubernetes (scripts/kube-up.sh), with its CRDs installed. Maven Central has no shaded Operator
# jar (the release images build it), so the plain jar and its runtime dependencies are fetched
# with mvn dependency:copy-dependencies and cached under $PULUMI_FLINK_CACHE/flink-operator/<v>/lib.
# Usage: kube-operator.sh STATE_DIR BASE_PORT [operator-version]   (default 1.7.0; STATE_DIR and
# BASE_PORT of kube-up.sh, whose node uses BASE..BASE+9; the Operator's health probe takes BASE+10)
# Writes STATE_DIR/operator.pid, STATE_DIR/operator.log, STATE_DIR/operator-conf/; kube-down.sh
# does not know it: stop it with `kill -- -$(cat STATE_DIR/operator.pid)` (its process group) first.
# Host-process limits (why the settings below): no admission webhook (a separate process that needs
# TLS the apiserver trusts; the Operator still validates each spec when it reconciles), no leader
# election (one Operator), and the Operator reaches each
# JobManager's REST at <name>-rest.<namespace> through CoreDNS only if the host resolves through it,
# so the Operator's JVM resolves from its own hosts file (jdk.net.hosts.file, nothing machine-wide)
# that a small loop keeps filled with every Service's <name>.<namespace> -> ClusterIP (kube-proxy
# routes ClusterIPs on the host too).
set -euo pipefail
# kube-operator.sh --prepare [operator-version]: only fetch and cache the jars (the test command's bed).
if [ "${1:-}" = --prepare ]; then PREPARE=1; shift; set -- /tmp 0 "${1:-1.7.0}"; fi
DIR="$(cd "${1:?usage: kube-operator.sh STATE_DIR BASE_PORT [operator-version]}" && pwd)"
BASE="${2:?usage: kube-operator.sh STATE_DIR BASE_PORT [operator-version]}"
VERSION="${3:-1.7.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
LIB="${CACHE}/flink-operator/${VERSION}/lib"
export KUBECONFIG="${DIR}/kubeconfig"
export PATH="$(bash "${HERE}/kube-node.sh" | tail -1):${PATH}"  # its kubectl
log() { echo "[kube-operator ${VERSION}] $(date -u +%T) $*" >&2; }

# .complete-2: the set below (2: + flink-kubernetes-standalone); a cache of another set is fetched again.
if [ ! -f "${LIB}/.complete-2" ]; then
  command -v mvn >/dev/null || { log "mvn is required"; exit 1; }
  work="${CACHE}/flink-operator/${VERSION}/fetch"
  mkdir -p "${work}"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo '<groupId>local</groupId><artifactId>operator-libs</artifactId><version>1</version><dependencies>'
    echo "<dependency><groupId>org.apache.flink</groupId><artifactId>flink-kubernetes-operator</artifactId><version>${VERSION}</version></dependency>"
    # Shaded into the release image's jar, not a runtime dependency of the plain one: the Operator
    # loads its config options for every FlinkDeployment that sets taskManager.replicas.
    echo "<dependency><groupId>org.apache.flink</groupId><artifactId>flink-kubernetes-standalone</artifactId><version>${VERSION}</version></dependency>"
    echo '</dependencies></project>'
  } > "${work}/pom.xml"
  log "fetching the Operator and its runtime dependencies (first time only)"
  rm -rf "${LIB}.partial"
  mvn -B -Dstyle.color=never -f "${work}/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="${LIB}.partial" 2>&1 | grep -E 'Downloaded|BUILD|ERROR' | sed -n '1~25p;/BUILD\|ERROR/p' >&2
  touch "${LIB}.partial/.complete-2"
  rm -rf "${LIB}" && mv "${LIB}.partial" "${LIB}"
  log "$(ls "${LIB}" | wc -l) jars in ${LIB}"
fi

if [ -n "${PREPARE:-}" ]; then log "jars ready in ${LIB}"; exit 0; fi
log "installing the CRDs of operator-api ${VERSION}"
CRDS="$(bash "${HERE}/fetch-operator-crds.sh" "${VERSION}" | tail -1)"
kubectl apply -f "${CRDS}"/flinkdeployments.flink.apache.org-v1.yml -f "${CRDS}"/flinksessionjobs.flink.apache.org-v1.yml >&2
# A CRD created a moment ago has no status yet, and kubectl wait fails at once on it: retry.
for try in $(seq 1 30); do
  kubectl wait --for=condition=Established --timeout=30s crd/flinkdeployments.flink.apache.org \
    crd/flinksessionjobs.flink.apache.org >&2 2>/dev/null && break
  [ "${try}" -lt 30 ] || { log "the CRDs were not Established in time"; exit 1; }
  sleep 1
done

# The Operator reads its own settings and the defaults it gives every Flink cluster from
# FLINK_CONF_DIR/flink-conf.yaml. Health probe on a test-bed port (8085 may be taken).
CONF="${DIR}/operator-conf"
mkdir -p "${CONF}"
cat > "${CONF}/flink-conf.yaml" <<YAML
kubernetes.operator.health.probe.port: $((BASE + 10))
kubernetes.operator.leader-election.enabled: false
kubernetes.operator.reconcile.interval: 15 s
kubernetes.operator.observer.progress-check.interval: 5 s
YAML
cat > "${CONF}/log4j-operator.properties" <<'PROPS'
monitorInterval = 10
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1} %x - %m%n
PROPS
cp "${CONF}/log4j-operator.properties" "${CONF}/log4j-console.properties"

HOSTS="${DIR}/operator-hosts"
refresh_hosts() { # every Service as <name>.<namespace> and its .svc names -> ClusterIP
  { echo "127.0.0.1 localhost $(hostname)"
    kubectl get svc -A -o jsonpath='{range .items[*]}{.spec.clusterIP} {.metadata.name}.{.metadata.namespace} {.metadata.name}.{.metadata.namespace}.svc {.metadata.name}.{.metadata.namespace}.svc.cluster.local{"\n"}{end}' \
      | grep -v '^None ' || true
  } > "${HOSTS}.tmp" && mv "${HOSTS}.tmp" "${HOSTS}"
}
refresh_hosts
if [ -f "${DIR}/operator.pid" ] && kill -0 "$(cat "${DIR}/operator.pid")" 2>/dev/null; then
  log "already running (pid $(cat "${DIR}/operator.pid"))"; exit 0
fi
export FLINK_CONF_DIR="${CONF}"
# Without KUBERNETES_SERVICE_HOST the Operator assumes local development and calls every JobManager
# at localhost:8081 (for a port-forward). Any value switches it to <name>-rest.<namespace>; the
# Kubernetes client still follows KUBECONFIG because KUBERNETES_SERVICE_PORT stays unset.
export KUBERNETES_SERVICE_HOST="$(sed -n 's|.*server: "*https://\([^:/"]*\).*|\1|p' "${KUBECONFIG}" | head -1)"
unset KUBERNETES_SERVICE_PORT
# One process group: the Operator JVM and the hosts loop stop together with kill -- -PGID.
setsid bash -c '
  trap "kill 0" EXIT TERM
  ( while sleep 2; do '"$(declare -f refresh_hosts)"'; HOSTS="$0"; refresh_hosts 2>/dev/null; done ) &
  java -Xmx512m -Djdk.net.hosts.file="$0" -Dsun.net.inetaddr.ttl=2 -Dsun.net.inetaddr.negative.ttl=0 \
    -Dlog4j.configurationFile="file:$1/log4j-operator.properties" -cp "$2/*" \
    org.apache.flink.kubernetes.operator.FlinkOperator
' "${HOSTS}" "${CONF}" "${LIB}" > "${DIR}/operator.log" 2>&1 < /dev/null &
echo $! > "${DIR}/operator.pid"
deadline=$(( $(date +%s) + 90 ))
until curl -sf "http://127.0.0.1:$((BASE + 10))/" >/dev/null 2>&1; do
  if ! kill -0 "$(cat "${DIR}/operator.pid")" 2>/dev/null || [ "$(date +%s)" -ge "${deadline}" ]; then
    log "the Operator did not become healthy; last log lines:"; tail -20 "${DIR}/operator.log" >&2
    kill -- -"$(cat "${DIR}/operator.pid")" 2>/dev/null || true; exit 1
  fi
  sleep 2
done
log "running (process group $(cat "${DIR}/operator.pid"), health on 127.0.0.1:$((BASE + 10)), log ${DIR}/operator.log);" \
  "stop: kill -- -\$(cat ${DIR}/operator.pid)"
