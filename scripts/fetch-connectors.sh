#!/usr/bin/env bash
# Fetch the real Flink connector JARs for one Flink release line from Maven Central and print
# the folder holding them (last line of stdout); progress goes to stderr.
#
#   scripts/fetch-connectors.sh 2.3.0
#
# Which jars: tests/support/connectors.json (the one table the tests read too), including the
# "unsupported" ones the tests use to prove a line cannot run them. Each jar is
# copied as <artifactId>-<version>.jar without transitive dependencies (SQL connector jars are
# shaded). Cached under $PULUMI_FLINK_CACHE/connectors/<flink-version>/; a second run is instant.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: fetch-connectors.sh <flink-version, e.g. 2.3.0>}"
cache="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
dir="$cache/connectors/$version"
log() { echo "[fetch-connectors $version] $*" >&2; }

# One coordinate per line, from the table's entry for this version (major.minor, then major).
coords=$(node -e '
  const t = require("./tests/support/connectors.json");
  const v = process.argv[1], [major, minor] = v.split(".");
  const line = t.lines[`${major}.${minor}`] ?? t.lines[major];
  if (!line) { console.error(`no connector table for Flink ${v} in tests/support/connectors.json`); process.exit(1); }
  for (const c of [...Object.values(line.jars), ...Object.values(line.unsupported)]) console.log(c);
  for (const [what, why] of Object.entries(line.missing)) console.error(`[fetch-connectors ${v}] not available: ${what}: ${why}`);
' "$version")

if [[ -f "$dir/.complete" ]] && [[ "$(cat "$dir/.complete")" == "$coords" ]]; then
  log "cached at $dir"
  echo "$dir"
  exit 0
fi
command -v mvn >/dev/null || { log "mvn is required"; exit 1; }
rm -rf "$dir" && mkdir -p "$dir"
{
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>pulumi-flink.testbed</groupId><artifactId>connectors</artifactId><version>1</version><dependencies>'
  while IFS=: read -r g a v; do
    echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done <<< "$coords"
  echo '</dependencies></project>'
} > "$dir/pom.xml"
log "fetching from Maven Central: $(echo "$coords" | tr '\n' ' ')"
start=$(date +%s)
mvn -q -B -Dstyle.color=never -f "$dir/pom.xml" dependency:copy-dependencies -DexcludeTransitive=true -DoutputDirectory="$dir" >&2
log "$(ls "$dir"/*.jar | wc -l) jars ($(du -sh --exclude=pom.xml "$dir" | cut -f1)) in $(( $(date +%s) - start )) s"
echo "$coords" > "$dir/.complete" # the coordinates: a changed table refetches
echo "$dir"
