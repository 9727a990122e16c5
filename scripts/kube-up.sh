#!/usr/bin/env bash
# Start a real single-node Kubernetes for the test bed and leave it running: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, containerd (+ runc, CNI bridge), kubelet, kube-proxy
# (iptables) and a small cluster DNS (scripts/kube/cluster-dns.js) as a host process behind the
# kube-dns Service. Binaries come from
# scripts/kube-apiserver.sh, scripts/kube-node.sh and Debian; images from scripts/kube-images.sh.
# Usage: kube-up.sh STATE_DIR BASE_PORT   (ports BASE..BASE+19; stop with kube-down.sh STATE_DIR)
# Writes STATE_DIR/kubeconfig (admin token) and STATE_DIR/*.pid; logs in STATE_DIR/*.log.
# Machine-wide effects (root only): net.ipv4.ip_forward=1, KUBE-* iptables chains, a pfkube0
# bridge, containerd state under /run/pulumi-flink-containerd.
set -euo pipefail
DIR="$(mkdir -p "$1" && cd "$1" && pwd)"; BASE="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
APISERVER="$(bash "${HERE}/kube-apiserver.sh" | tail -1)"
BIN="${KUBE_NODE_BIN:-$(bash "${HERE}/kube-node.sh" | tail -1)}"  # KUBE_NODE_BIN: skip the build check
IMAGES="$(bash "${HERE}/kube-images.sh" ${KUBE_FLINK_VERSIONS:-2.3.0} | tail -1)"  # e.g. "2.3.0 1.20.3"
NODE_IP="$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1)"
[ -n "${NODE_IP}" ] || NODE_IP="$(hostname -I | awk '{print $1}')"
RUN=/run/pulumi-flink-containerd
SOCK="${RUN}/containerd.sock"
POD_CIDR=10.244.0.0/24; SERVICE_CIDR=10.96.0.0/24; DNS_IP=10.96.0.10
URL="https://${NODE_IP}:$((BASE + 2))"
log() { echo "[kube-up] $(date -u +%T) $*" >&2; }
# A start that fails half-way stops what it started (and says so) rather than leave it running.
trap 'log "start failed: stopping what was started"; bash "${HERE}/kube-down.sh" "${DIR}"' ERR
start() { # start NAME CMD... : run in the background, log to DIR/NAME.log, pid in DIR/NAME.pid
  local name="$1"; shift
  setsid "$@" > "${DIR}/${name}.log" 2>&1 < /dev/null &
  echo $! > "${DIR}/${name}.pid"
}
wait_for() { # wait_for WHAT SECONDS CMD...
  local what="$1" deadline=$(( $(date +%s) + $2 )); shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "${deadline}" ] || { log "${what} not ready in time"; return 1; }
    sleep 1
  done
  log "${what} ready"
}

[ -f "${DIR}/ip_forward.before" ] || sysctl -n net.ipv4.ip_forward > "${DIR}/ip_forward.before"
sysctl -qw net.ipv4.ip_forward=1
modprobe br_netfilter 2>/dev/null || true

# Credentials: one admin token for every component (a test bed, not a production cluster).
TOKEN="admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "${TOKEN},admin,1,\"system:masters\"" > "${DIR}/tokens.csv"
[ -f "${DIR}/sa.key" ] || openssl genrsa -out "${DIR}/sa.key" 2048 2>/dev/null
openssl rsa -in "${DIR}/sa.key" -pubout -out "${DIR}/sa.pub" 2>/dev/null

start etcd etcd --data-dir "${DIR}/etcd" --listen-client-urls "http://127.0.0.1:${BASE}" \
  --advertise-client-urls "http://127.0.0.1:${BASE}" --listen-peer-urls "http://127.0.0.1:$((BASE + 1))" \
  --initial-advertise-peer-urls "http://127.0.0.1:$((BASE + 1))" --initial-cluster "default=http://127.0.0.1:$((BASE + 1))"
start apiserver "${APISERVER}" --etcd-servers="http://127.0.0.1:${BASE}" --secure-port=$((BASE + 2)) \
  --bind-address="${NODE_IP}" --advertise-address="${NODE_IP}" --cert-dir="${DIR}/certs" \
  --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="${DIR}/sa.pub" \
  --service-account-signing-key-file="${DIR}/sa.key" --token-auth-file="${DIR}/tokens.csv" \
  --authorization-mode=Node,RBAC --service-cluster-ip-range="${SERVICE_CIDR}" --allow-privileged=true \
  --kubelet-preferred-address-types=InternalIP --feature-gates=WatchList=false
wait_for kube-apiserver 120 curl -fsk -H "Authorization: Bearer ${TOKEN}" "${URL}/readyz"

cat > "${DIR}/kubeconfig" <<KC
apiVersion: v1
kind: Config
current-context: node
clusters:
- name: node
  cluster: {server: "${URL}", certificate-authority-data: "$(base64 -w0 < "${DIR}/certs/apiserver.crt")"}
contexts:
- name: node
  context: {cluster: node, user: admin}
users:
- name: admin
  user: {token: "${TOKEN}"}
KC
KC="${DIR}/kubeconfig"

start controller-manager "${BIN}/kube-controller-manager" --kubeconfig="${KC}" --leader-elect=false \
  --secure-port=$((BASE + 3)) --bind-address=127.0.0.1 --service-account-private-key-file="${DIR}/sa.key" \
  --root-ca-file="${DIR}/certs/apiserver.crt" --use-service-account-credentials=false \
  --service-cluster-ip-range="${SERVICE_CIDR}"
start scheduler "${BIN}/kube-scheduler" --kubeconfig="${KC}" --leader-elect=false \
  --secure-port=$((BASE + 4)) --bind-address=127.0.0.1

api() { # api METHOD PATH [JSON] : one request as the admin
  curl -fsS --cacert "${DIR}/certs/apiserver.crt" -H "Authorization: Bearer ${TOKEN}" \
    -H "Content-Type: application/json" -X "$1" "${URL}$2" ${3:+-d "$3"}
}
# Cluster DNS: scripts/kube/cluster-dns.js runs on the host (no image, no build) and the kube-dns
# Service at ${DNS_IP} points at it through a hand-written EndpointSlice, so kube-proxy routes
# pods' port 53 to it.
start dns node "${HERE}/kube/cluster-dns.js" "${NODE_IP}" $((BASE + 9)) "${URL}" "${TOKEN}" "${DIR}/certs/apiserver.crt"
wait_for "namespace kube-system" 30 api GET /api/v1/namespaces/kube-system
api POST /api/v1/namespaces/kube-system/services "{\"metadata\": {\"name\": \"kube-dns\"}, \"spec\": {\"clusterIP\": \"${DNS_IP}\",
  \"ports\": [{\"name\": \"dns\", \"port\": 53, \"protocol\": \"UDP\", \"targetPort\": $((BASE + 9))},
  {\"name\": \"dns-tcp\", \"port\": 53, \"protocol\": \"TCP\", \"targetPort\": $((BASE + 9))}]}}" > /dev/null
api POST /apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices "{\"metadata\": {\"name\": \"kube-dns-host\",
  \"labels\": {\"kubernetes.io/service-name\": \"kube-dns\"}}, \"addressType\": \"IPv4\",
  \"endpoints\": [{\"addresses\": [\"${NODE_IP}\"], \"conditions\": {\"ready\": true}}],
  \"ports\": [{\"name\": \"dns\", \"port\": $((BASE + 9)), \"protocol\": \"UDP\"}, {\"name\": \"dns-tcp\", \"port\": $((BASE + 9)), \"protocol\": \"TCP\"}]}" > /dev/null

# containerd: its own socket, state and config; the image store lives in the cache (warm imports).
mkdir -p "${RUN}" "${DIR}/cni/net.d" "${CACHE}/kube-containerd"
cat > "${DIR}/containerd.toml" <<TOML
version = 2
root = "${CACHE}/kube-containerd"
state = "${RUN}/state"
[grpc]
  address = "${SOCK}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pulumi-flink/pause:1"
  # This VM's root lacks CAP_SYS_RESOURCE, so runc cannot lower a container's oom_score_adj
  # (kubelet asks -998 for sandboxes: "failed to update /proc/self/oom_score_adj: Permission
  # denied"); containerd then clamps it to its own instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${RUN}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${DIR}/cni/net.d"
TOML
cat > "${DIR}/cni/net.d/10-pulumi-flink.conflist" <<CNI
{"cniVersion": "1.0.0", "name": "pulumi-flink", "plugins": [
  {"type": "bridge", "bridge": "pfkube0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "${POD_CIDR}"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "${DIR}/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}
]}
CNI
start containerd containerd --config "${DIR}/containerd.toml"
wait_for containerd 60 ctr --address "${SOCK}" version
# The image store outlives the node (it is in the cache): a tar is imported again only when it
# changed since its last import (reading 700 MB to find that out takes ~15 s per Flink image).
for tar in "${IMAGES}"/pause.tar "${IMAGES}"/flink-*.tar; do
  stamp="${CACHE}/kube-containerd/imported-$(basename "${tar}")"
  [ "$(cat "${stamp}" 2>/dev/null)" = "$(stat -c %s-%Y "${tar}")" ] && continue
  ctr --address "${SOCK}" -n k8s.io images import "${tar}" >&2
  stat -c %s-%Y "${tar}" > "${stamp}"
done
log "images in containerd: $(ctr --address "${SOCK}" -n k8s.io images ls -q | tr '\n' ' ')"

cat > "${DIR}/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
containerRuntimeEndpoint: unix://${SOCK}
address: ${NODE_IP}
port: $((BASE + 5))
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $((BASE + 6))
clusterDNS: [${DNS_IP}]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
YAML
start kubelet "${BIN}/kubelet" --config="${DIR}/kubelet.yaml" --kubeconfig="${KC}" \
  --root-dir="${DIR}/kubelet" --hostname-override=pulumi-flink-node --node-ip="${NODE_IP}"
start kube-proxy "${BIN}/kube-proxy" --kubeconfig="${KC}" --hostname-override=pulumi-flink-node \
  --proxy-mode=iptables --cluster-cidr="${POD_CIDR}" --healthz-bind-address="127.0.0.1:$((BASE + 7))" \
  --metrics-bind-address="127.0.0.1:$((BASE + 8))" --conntrack-max-per-core=0
node_ready() { api GET /api/v1/nodes/pulumi-flink-node | jq -e '.status.conditions[] | select(.type == "Ready" and .status == "True")'; }
wait_for "node pulumi-flink-node Ready" 120 node_ready
echo "${DIR}/kubeconfig"
