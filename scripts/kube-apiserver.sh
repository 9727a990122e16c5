#!/usr/bin/env bash
# Build a real kube-apiserver from the Go module proxy (no Kubernetes distribution needed) and
# print its path. k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the k8s.io/*
# staging modules with local paths), so a throwaway consumer module requires it and replaces
# each staging module with its published v0.X.Y twin. Cached; the first build takes ~30 min on
# 2 CPUs. etcd comes from Debian (etcd-server), installed here if missing.
set -euo pipefail
VERSION="${KUBE_VERSION:-1.34.4}"
STAGING="v0.${VERSION#1.}"
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
PROXY="$(go env GOPROXY | cut -d, -f1)"
curl -fsS "${PROXY}/k8s.io/kubernetes/@v/v${VERSION}.mod" -o kubernetes.mod
{
  echo "module kubeapiserverbuild"; echo; echo "go 1.24"; echo
  echo "require k8s.io/kubernetes v${VERSION}"; echo
  grep "=> ./staging" kubernetes.mod | awk -v v="${STAGING}" '{print "replace " $1 " => " $1 " " v}'
} > go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' > tools.go
GOFLAGS=-mod=mod go mod tidy >&2
GOFLAGS=-mod=mod go build -o "${OUT}/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv "${OUT}/kube-apiserver.tmp" "${OUT}/kube-apiserver"  # only a finished build counts as cached
echo "${OUT}/kube-apiserver"
