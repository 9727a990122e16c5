#!/usr/bin/env bash
# Build Pulumi's Kubernetes resource provider (the Go plugin @pulumi/kubernetes talks to) from the
# Go module proxy, and print the directory holding pulumi-resource-kubernetes. get.pulumi.com,
# where `pulumi` downloads it from, cannot be reached from the test bed; the Go module proxy
# serves the provider module (a pseudo-version: its tags are not module tags). Its go.mod replaces
# the SDK module with ../sdk, so a throwaway consumer module pins the published SDK it requires, as
# scripts/kube-apiserver.sh does for k8s.io/*. Cached per version; only a finished build counts.
# Put the directory on PATH: pulumi uses a provider binary found there ("ambient plugin").
set -euo pipefail
VERSION="${PULUMI_KUBERNETES_PROVIDER:-v4.0.0-20260115033456-f47bc2d6f199}"
SDK="${PULUMI_KUBERNETES_SDK:-v4.24.0}"  # the SDK version the provider module itself requires
OUT="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}/pulumi-kubernetes/${VERSION}"
if [ -x "${OUT}/pulumi-resource-kubernetes" ]; then echo "${OUT}"; exit 0; fi
echo "[pulumi-kubernetes] building pulumi-resource-kubernetes ${VERSION} from the Go module proxy (first time only)" >&2
start=$(date +%s)
mkdir -p "${OUT}/src"
cd "${OUT}/src"
cat > go.mod <<MOD
module pulumikubernetesbuild

go 1.24.7

require github.com/pulumi/pulumi-kubernetes/provider/v4 ${VERSION}

replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 ${SDK}
MOD
# The module's main embeds a schema its release build generates (schema.json with the version set);
# the module ships schema.json, so this consumer has its own three-line main embedding that.
cat > main.go <<'GO'
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping.json
var mapping []byte

func main() { provider.Serve("kubernetes", version, schema, mapping) }
GO
echo "package main

const version = \"${VERSION#v}\"" > version.go
GOFLAGS=-mod=mod go mod tidy >&2
src="$(go list -mod=mod -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
jq -c --arg v "${VERSION#v}" '.version = $v' "${src}/schema.json" > schema-embed.json
jq -c . "${src}/terraform-mapping.json" > terraform-mapping.json
GOFLAGS=-mod=mod go build -ldflags="-s -w" -o "${OUT}/pulumi-resource-kubernetes.tmp" . >&2
mv "${OUT}/pulumi-resource-kubernetes.tmp" "${OUT}/pulumi-resource-kubernetes"
echo "[pulumi-kubernetes] built in $(( $(date +%s) - start )) s" >&2
echo "${OUT}"
