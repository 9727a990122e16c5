# Sourced by scripts/kube-apiserver.sh and scripts/kube-node.sh. k8s.io/kubernetes cannot be
# `go install`ed: its go.mod replaces the k8s.io/* staging modules with local paths. This writes,
# in the current folder, a throwaway consumer module that requires it, replaces each staging
# module with its published v0.X.Y twin, and imports the given commands; then tidies it.
# Usage: consumer_module MODULE_NAME KUBE_VERSION CMD...   (e.g. kube-apiserver kubelet)
consumer_module() {
  local name="$1" version="$2"; shift 2
  local staging="v0.${version#1.}" proxy
  proxy="$(go env GOPROXY | cut -d, -f1)"
  curl -fsS "${proxy}/k8s.io/kubernetes/@v/v${version}.mod" -o kubernetes.mod
  {
    echo "module ${name}"; echo; echo "go 1.24"; echo
    echo "require k8s.io/kubernetes v${version}"; echo
    grep "=> ./staging" kubernetes.mod | awk -v v="${staging}" '{print "replace " $1 " => " $1 " " v}'
  } > go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in "$@"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$c"; done
    printf ')\n'
  } > tools.go
  GOFLAGS=-mod=mod go mod tidy >&2
}
