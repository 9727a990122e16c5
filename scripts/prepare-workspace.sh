#!/usr/bin/env bash
# A folder where Pulumi programs consume pulumi-flink exactly as users do: the package is packed
# (so only what `files` and `exports` allow is there) and installed from the tarball.
# Programs live in subfolders and resolve modules from its node_modules. Prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
ws="${1:?usage: prepare-workspace.sh DIR}"
mkdir -p "$ws/projects"
pulumi_version=$(node -p 'require("./package.json").devDependencies["@pulumi/pulumi"]')
tarball=$(npm pack --silent --pack-destination "$ws" 2>/dev/null | tail -1)
cat > "$ws/package.json" <<JSON
{ "name": "pulumi-flink-workspace", "private": true,
  "dependencies": { "pulumi-flink": "file:./$tarball", "@pulumi/pulumi": "$pulumi_version" } }
JSON
echo "[prepare-workspace] installing $tarball into $ws" >&2
rm -rf "$ws/node_modules/pulumi-flink"
(cd "$ws" && npm install --no-audit --no-fund --no-package-lock >&2)
echo "$ws"
