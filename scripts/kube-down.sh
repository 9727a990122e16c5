#!/usr/bin/env bash
# Stop what scripts/kube-up.sh STATE_DIR (and scripts/kube-operator.sh) started and undo its machine-wide changes: pod
# containers (via containerd, before it stops), every process by its recorded pid, containerd's
# shims for this socket, kube-proxy's iptables chains, the pfkube0 bridge, kubelet's mounts, STATE_DIR.
set -uo pipefail
DIR="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
SOCK=/run/pulumi-flink-containerd/containerd.sock
stop_pid() { # stop_pid NAME : SIGTERM, then SIGKILL after 10 s
  local f="${DIR}/$1.pid"; [ -f "$f" ] || return 0
  local pid; pid="$(cat "$f")"
  kill "${pid}" 2>/dev/null || { rm -f "$f"; return 0; }
  for _ in $(seq 20); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.5; done
  kill -9 "${pid}" 2>/dev/null; rm -f "$f"
}
# The Operator (scripts/kube-operator.sh) first: a process group, its JVM and its hosts loop.
[ -f "${DIR}/operator.pid" ] && { kill -- -"$(cat "${DIR}/operator.pid")" 2>/dev/null; rm -f "${DIR}/operator.pid"; }
for name in kube-proxy kubelet scheduler controller-manager dns; do stop_pid "$name"; done
if [ -S "${SOCK}" ]; then
  for id in $(ctr --address "${SOCK}" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "${SOCK}" -n k8s.io tasks kill -s SIGKILL "${id}" >/dev/null 2>&1
  done
  sleep 1
  for id in $(ctr --address "${SOCK}" -n k8s.io tasks ls -q 2>/dev/null); do ctr --address "${SOCK}" -n k8s.io tasks delete -f "${id}" >/dev/null 2>&1; done
  for id in $(ctr --address "${SOCK}" -n k8s.io containers ls -q 2>/dev/null); do ctr --address "${SOCK}" -n k8s.io containers delete "${id}" >/dev/null 2>&1; done
fi
stop_pid containerd
# A shim outlives containerd; these are ours because they name our socket.
for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address ${SOCK}"); do kill -9 "${pid}" 2>/dev/null; done
stop_pid apiserver; stop_pid etcd
BIN="$(ls -d "${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"/kube-node/v*/ 2>/dev/null | tail -1)"
[ -x "${BIN}/kube-proxy" ] && "${BIN}/kube-proxy" --cleanup >/dev/null 2>&1
# kubelet's own chains (kube-proxy --cleanup leaves them).
for ipt in iptables ip6tables; do
  for t in filter nat mangle; do
    for hook in INPUT OUTPUT; do "${ipt}" -t "${t}" -D "${hook}" -j KUBE-FIREWALL 2>/dev/null; done
    for c in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do "${ipt}" -t "${t}" -F "${c}" 2>/dev/null; "${ipt}" -t "${t}" -X "${c}" 2>/dev/null; done
  done
done
[ -f "${DIR}/ip_forward.before" ] && sysctl -qw "net.ipv4.ip_forward=$(cat "${DIR}/ip_forward.before")"
ip link del pfkube0 2>/dev/null
# Pod network namespaces CNI left behind (named cni-<uuid> by containerd).
for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do ip netns del "${ns}" 2>/dev/null; done
grep " ${DIR}/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m"; done
grep " /run/pulumi-flink-containerd/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m"; done
rm -rf "${DIR}"
