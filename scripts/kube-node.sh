#!/usr/bin/env bash
# Build the node side of a single-node Kubernetes (kubelet, kube-controller-manager, kube-scheduler,
# kube-proxy, and kubectl for the scripts and tests) from the Go module proxy, the same way
# scripts/kube-apiserver.sh builds the apiserver (a throwaway consumer module replacing k8s.io/*
# staging modules with their published twins), and print the directory holding them. Cached per
# version; only a finished build counts. The Debian packages a node needs are installed too.
set -euo pipefail
VERSION="${KUBE_VERSION:-1.34.4}"
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}/kube-node/v${VERSION}"
COMPONENTS=(kubelet kube-controller-manager kube-scheduler kube-proxy kubectl)
# The node's Debian side: containerd, runc, CNI plugins, iptables, conntrack; jq for the scripts.
for tool in containerd runc iptables conntrack jq; do command -v "$tool" >/dev/null || PKGS_MISSING=1; done
if [ -n "${PKGS_MISSING:-}" ] || [ ! -x /usr/lib/cni/bridge ]; then
  echo "[kube-node] installing containerd, runc, CNI plugins, iptables, conntrack, jq from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd runc \
    containernetworking-plugins iptables conntrack jq >&2
fi
missing=()
for c in "${COMPONENTS[@]}"; do [ -x "${OUT}/${c}" ] || missing+=("$c"); done
if [ "${#missing[@]}" = 0 ]; then echo "${OUT}"; exit 0; fi
echo "[kube-node] building ${missing[*]} v${VERSION} from the Go module proxy (first time only)" >&2
mkdir -p "${OUT}/src"
cd "${OUT}/src"
source "${HERE}/kube/consumer-module.sh"
consumer_module kubenodebuild "${VERSION}" "${COMPONENTS[@]}"
for c in "${missing[@]}"; do
  start=$(date +%s)
  echo "[kube-node] go build ${c}" >&2
  GOFLAGS=-mod=mod go build -ldflags="-s -w" -o "${OUT}/${c}.tmp" "k8s.io/kubernetes/cmd/${c}" >&2
  mv "${OUT}/${c}.tmp" "${OUT}/${c}"
  echo "[kube-node] ${c} built in $(( $(date +%s) - start )) s" >&2
done
echo "${OUT}"
