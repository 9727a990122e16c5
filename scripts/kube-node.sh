#!/usr/bin/env bash
# Build the node side of a single-node Kubernetes (kubelet, kube-controller-manager,
# kube-scheduler, kube-proxy, and CoreDNS for cluster DNS) from the Go module proxy, the same way scripts/kube-apiserver.sh
# builds the apiserver (a throwaway consumer module replacing k8s.io/* staging modules with their
# published twins), and print the directory holding them. Cached per version; only a finished
# build counts. Built one package at a time under nice: the test bed's 2 CPUs are shared.
set -euo pipefail
VERSION="${KUBE_VERSION:-1.34.4}"
STAGING="v0.${VERSION#1.}"
OUT="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}/kube-node/v${VERSION}"
COREDNS="${COREDNS_VERSION:-1.14.7}"
COMPONENTS=(kubelet kube-controller-manager kube-scheduler kube-proxy)
missing=()
for c in "${COMPONENTS[@]}"; do [ -x "${OUT}/${c}" ] || missing+=("$c"); done
if [ "${#missing[@]}" = 0 ] && [ -x "${OUT}/coredns" ]; then echo "${OUT}"; exit 0; fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[kube-node] building ${missing[*]} v${VERSION} from the Go module proxy (first time only)" >&2
  mkdir -p "${OUT}/src"
  cd "${OUT}/src"
  PROXY="$(go env GOPROXY | cut -d, -f1)"
  curl -fsS "${PROXY}/k8s.io/kubernetes/@v/v${VERSION}.mod" -o kubernetes.mod
  {
    echo "module kubenodebuild"; echo; echo "go 1.24"; echo
    echo "require k8s.io/kubernetes v${VERSION}"; echo
    grep "=> ./staging" kubernetes.mod | awk -v v="${STAGING}" '{print "replace " $1 " => " $1 " " v}'
  } > go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in "${COMPONENTS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$c"; done
    printf ')\n'
  } > tools.go
  GOFLAGS=-mod=mod go mod tidy >&2
  for c in "${missing[@]}"; do
    start=$(date +%s)
    echo "[kube-node] go build ${c}" >&2
    GOFLAGS="-mod=mod -p=1" nice -n 10 go build -o "${OUT}/${c}.tmp" "k8s.io/kubernetes/cmd/${c}" >&2
    mv "${OUT}/${c}.tmp" "${OUT}/${c}"
    echo "[kube-node] ${c} built in $(( $(date +%s) - start )) s" >&2
  done
fi
if [ ! -x "${OUT}/coredns" ]; then
  # CoreDNS's go.mod has no local replaces, so a plain `go install` of the tagged module works.
  start=$(date +%s)
  echo "[kube-node] go install CoreDNS v${COREDNS}" >&2
  mkdir -p "${OUT}/coredns.tmp"
  GOBIN="${OUT}/coredns.tmp" GOFLAGS="-p=1" nice -n 10 go install "github.com/coredns/coredns@v${COREDNS}" >&2
  mv "${OUT}/coredns.tmp/coredns" "${OUT}/coredns" && rmdir "${OUT}/coredns.tmp"
  echo "[kube-node] coredns built in $(( $(date +%s) - start )) s" >&2
fi
echo "${OUT}"
