#!/usr/bin/env bash
# Prove the node that scripts/kube-up.sh STATE_DIR started runs real pods, timing each step:
#  1. a Pod of the local pause image reaches Running;
#  2. a Flink JobManager Pod of the local Flink image serves REST, reached from the host through a
#     ClusterIP Service (kube-proxy's iptables rules);
#  3. a second Flink-image Pod finds that Service by its cluster DNS name (CoreDNS) and reads
#     /overview through it (pod -> Service -> pod).
# Everything runs in a fresh namespace, deleted at the end. Usage: kube-smoke.sh STATE_DIR [FLINK_VERSION]
set -euo pipefail
DIR="$1"; VERSION="${2:-2.3.0}"
KC="${DIR}/kubeconfig"
URL="$(sed -n 's/.*server: "\([^"]*\)".*/\1/p' "${KC}")"
TOKEN="$(sed -n 's/.*token: "\([^"]*\)".*/\1/p' "${KC}")"
NS="smoke-$(date +%s)"
IMAGE="localhost/pulumi-flink/flink:${VERSION}"
api() { curl -fsS --cacert "${DIR}/certs/apiserver.crt" -H "Authorization: Bearer ${TOKEN}" -H "Content-Type: application/json" -X "$1" "${URL}$2" ${3:+-d "$3"}; }
T0=$(date +%s)
step() { echo "[kube-smoke] +$(( $(date +%s) - T0 )) s $*" >&2; }
until_true() { # until_true SECONDS WHAT CMD...
  local deadline=$(( $(date +%s) + $1 )) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "${deadline}" ]; then step "FAILED: ${what}"; return 1; fi
    sleep 1
  done
  step "${what}"
}
wait_phase() { # wait_phase POD PHASE SECONDS : fails at once, with the pod's log, if it fails
  local deadline=$(( $(date +%s) + $3 )) now
  while now="$(api GET "/api/v1/namespaces/${NS}/pods/$1" | jq -r .status.phase)" && [ "${now}" != "$2" ]; do
    if [ "${now}" = Failed ] || [ "$(date +%s)" -ge "${deadline}" ]; then
      step "FAILED: pod $1 is ${now}, not $2; its log ends:"; api GET "/api/v1/namespaces/${NS}/pods/$1/log" | tail -20 >&2; return 1
    fi
    sleep 1
  done
  step "pod $1 $2"
}
pod() { # pod NAME IMAGE LABEL ARGS_JSON
  api POST "/api/v1/namespaces/${NS}/pods" "{\"metadata\": {\"name\": \"$1\", \"labels\": {\"app\": \"$3\"}},
    \"spec\": {\"automountServiceAccountToken\": false, \"restartPolicy\": \"Never\",
    \"containers\": [{\"name\": \"main\", \"image\": \"$2\", \"imagePullPolicy\": \"Never\", \"args\": $4}]}}" > /dev/null
}
cleanup() { [ -n "${KEEP_NAMESPACE:-}" ] || api DELETE "/api/v1/namespaces/${NS}" > /dev/null 2>&1 || true; }
trap cleanup EXIT

api POST /api/v1/namespaces "{\"metadata\": {\"name\": \"${NS}\"}}" > /dev/null
until_true 30 "service account ${NS}/default created" api GET "/api/v1/namespaces/${NS}/serviceaccounts/default"

pod pause localhost/pulumi-flink/pause:1 pause '[]'
wait_phase pause Running 60

pod jobmanager "${IMAGE}" jobmanager '["jobmanager.sh", "start-foreground", "-D", "rest.bind-address=0.0.0.0", "-D", "jobmanager.bind-host=0.0.0.0"]'
api POST "/api/v1/namespaces/${NS}/services" '{"metadata": {"name": "jobmanager"},
  "spec": {"selector": {"app": "jobmanager"}, "ports": [{"name": "rest", "port": 8081, "targetPort": 8081}]}}' > /dev/null
wait_phase jobmanager Running 120
CLUSTER_IP="$(api GET "/api/v1/namespaces/${NS}/services/jobmanager" | jq -r .spec.clusterIP)"
until_true 180 "Flink REST answers on Service ${CLUSTER_IP}:8081 from the host" curl -fsS "http://${CLUSTER_IP}:8081/config"
curl -fsS "http://${CLUSTER_IP}:8081/config" | jq -c '{"flink-version"}' >&2

pod client "${IMAGE}" client "[\"bash\", \"-c\", \"exec 3<>/dev/tcp/jobmanager.${NS}.svc.cluster.local/8081 && printf 'GET /config HTTP/1.0\\\\r\\\\n\\\\r\\\\n' >&3 && cat <&3\"]"
wait_phase client Succeeded 120
api GET "/api/v1/namespaces/${NS}/pods/client/log" | tail -1 | jq -c '{"flink-version"}' >&2
step "all steps passed"
