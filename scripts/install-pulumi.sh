#!/usr/bin/env bash
# Make an offline `pulumi` CLI (+ Node.js language host) available, built with Go
# from the Go module proxy, and print its bin dir as the LAST line of stdout:
#   PULUMI_BIN=$(scripts/install-pulumi.sh | tail -1); export PATH="$PULUMI_BIN:$PATH"
# Progress goes to stderr. Nothing is written inside the repo.
set -euo pipefail

# Pinned versions. The module proxy reachable here serves only versions that
# were publicly requested before its cutoff. The language host module has no
# tags, and the newest pseudo-version it serves is bee5e4fa4815 (2025-08-06,
# master one day before pkg/v3.188.0). Later pkg/sdk releases no longer compile
# with it (gRPC and codegen APIs changed), so the CLI is pinned to the same
# v3.188.0. Newer programs using @pulumi/pulumi 3.2xx also run on it.
PULUMI_VERSION="${PULUMI_VERSION:-3.188.0}"
LANGHOST_VERSION="${PULUMI_LANGHOST_VERSION:-v3.0.0-20250806165243-bee5e4fa4815}"
LANGHOST_MOD=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3

log() { echo "[install-pulumi] $*" >&2; }

# 1. Use an existing install if one is provided or on PATH.
if [[ -n "${PULUMI_BIN_DIR:-}" ]]; then
  if [[ -x "$PULUMI_BIN_DIR/pulumi" && -x "$PULUMI_BIN_DIR/pulumi-language-nodejs" ]]; then
    log "using PULUMI_BIN_DIR=$PULUMI_BIN_DIR"
    echo "$PULUMI_BIN_DIR"; exit 0
  fi
  log "PULUMI_BIN_DIR=$PULUMI_BIN_DIR lacks pulumi or pulumi-language-nodejs; building instead"
elif command -v pulumi >/dev/null && command -v pulumi-language-nodejs >/dev/null; then
  dir=$(dirname "$(command -v pulumi)")
  log "using pulumi on PATH: $dir ($(pulumi version 2>/dev/null || echo '?'))"
  echo "$dir"; exit 0
fi

# 2. Versioned cache outside the repo; the stamp is written last, so its presence
#    (with matching content) means every binary is in place.
CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}/pulumi/$PULUMI_VERSION"
BIN="$CACHE/bin"
STAMP="$CACHE/.installed"
WANT="pulumi v$PULUMI_VERSION; language host $LANGHOST_VERSION"
done_already() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; }
if done_already; then log "cached: $BIN"; echo "$BIN"; exit 0; fi

mkdir -p "$CACHE"
# Serialise concurrent callers (e.g. parallel test jobs) on the same cache.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.lock"; flock 9
  if done_already; then log "cached (built by a concurrent run): $BIN"; echo "$BIN"; exit 0; fi
fi
for tool in go npm tar; do
  command -v "$tool" >/dev/null || { log "error: '$tool' is required to build pulumi"; exit 1; }
done

# Use the installed Go; resolve dependencies freely in the throwaway consumer module.
export GOTOOLCHAIN=local GOFLAGS="-mod=mod ${GOFLAGS:-}"
# The checksum-DB mirror here answers 404 for the language-host pseudo-version and
# for several pkg/v3 tags; go.sum still pins what the proxy served.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi"

# The language host's go.mod has local `replace` directives, so it cannot be
# `go install`ed directly; build it as a dependency of a tiny consumer module.
MOD="$CACHE/gomod"
rm -rf "$MOD" "$BIN"; mkdir -p "$MOD" "$BIN"
cd "$MOD"
printf 'module pulumiflink.local/pulumibuild\n\ngo 1.24\n' > go.mod
cat > tools.go <<'EOF'
//go:build tools

package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
)
EOF
log "resolving pkg/v3 + sdk/v3 v$PULUMI_VERSION and $LANGHOST_MOD@$LANGHOST_VERSION"
if ! go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" \
  "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" "$LANGHOST_MOD@$LANGHOST_VERSION" >get.log 2>&1; then
  grep -v -e '^go: downloading' -e '^go: added' get.log >&2; log "error: go get failed"; exit 1
fi
# Fail loudly if MVS moved pkg/sdk away from the pinned version.
for m in pkg/v3 sdk/v3; do
  got=$(go list -m -f '{{.Version}}' "github.com/pulumi/pulumi/$m")
  [[ "$got" == "v$PULUMI_VERSION" ]] || { log "error: $m resolved to $got, want v$PULUMI_VERSION"; exit 1; }
done

log "building pulumi + pulumi-language-nodejs (several minutes on 2 cores) ..."
start=$SECONDS
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
  -o "$BIN/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$LANGHOST_MOD"
log "go build took $((SECONDS - start))s"

# 3. The dynamic-provider plugin is a small shell script shipped in @pulumi/pulumi.
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
log "fetching plugin scripts from npm @pulumi/pulumi@$PULUMI_VERSION"
(cd "$TMP" && npm pack --silent "@pulumi/pulumi@$PULUMI_VERSION" >/dev/null)
tar -xzf "$TMP"/pulumi-pulumi-*.tgz -C "$TMP" package/pulumi-resource-pulumi-nodejs package/pulumi-analyzer-policy
install -m 0755 "$TMP/package/pulumi-resource-pulumi-nodejs" "$TMP/package/pulumi-analyzer-policy" "$BIN/"

for b in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
  [[ -x "$BIN/$b" ]] || { log "error: $BIN/$b missing after build"; exit 1; }
done
log "installed $("$BIN/pulumi" version) into $BIN"
echo "$WANT" > "$STAMP"
echo "$BIN"
