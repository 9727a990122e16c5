#!/usr/bin/env bash
# Build a real kube-apiserver from the Go module proxy (no Kubernetes distribution needed) and
# print its path, through a throwaway consumer module (scripts/kube/consumer-module.sh). Cached;
# the first build takes about 3 minutes on 2 idle CPUs. etcd comes from Debian (etcd-server),
# installed here if missing.
set -euo pipefail
VERSION="${KUBE_VERSION:-1.34.4}"
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}/kube-apiserver/v${VERSION}"
if ! command -v etcd >/dev/null; then
  echo "[kube-apiserver] installing etcd from Debian (etcd-server)" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends etcd-server >&2
fi
if [ -x "${OUT}/kube-apiserver" ]; then echo "${OUT}/kube-apiserver"; exit 0; fi
echo "[kube-apiserver] building v${VERSION} from the Go module proxy (first time only: about 3 min on 2 idle CPUs, longer under load)" >&2
mkdir -p "${OUT}/src"
cd "${OUT}/src"
source "${HERE}/kube/consumer-module.sh"
consumer_module kubeapiserverbuild "${VERSION}" kube-apiserver
GOFLAGS=-mod=mod go build -o "${OUT}/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv "${OUT}/kube-apiserver.tmp" "${OUT}/kube-apiserver"  # only a finished build counts as cached
echo "${OUT}/kube-apiserver"
