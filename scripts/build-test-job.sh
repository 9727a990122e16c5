#!/usr/bin/env bash
# Compile the counter test job (tests/fixtures/counter-job) against a Flink distribution and print
# the jar's path (last line of stdout). No Maven: plain javac + jar against $FLINK_HOME/lib/*.
#
#   scripts/build-test-job.sh ~/.cache/pulumi-flink/flink/1.20.3
#
# The jar is cached outside the repository, keyed by Flink version and a hash of the sources:
#   ${PULUMI_FLINK_CACHE:-~/.cache/pulumi-flink}/test-job/<flink-version>-<sha256[:12]>/counter-job.jar
# Progress goes to stderr prefixed [build-test-job]; a second run with unchanged sources is instant.
set -euo pipefail

flink_home="${1:-${FLINK_HOME:-}}"
[[ -n "$flink_home" ]] || { echo "usage: build-test-job.sh FLINK_HOME" >&2; exit 2; }
flink_home=$(cd "$flink_home" 2>/dev/null && pwd) || { echo "[build-test-job] no such directory: $1" >&2; exit 1; }
log() { echo "[build-test-job] $*" >&2; }

dist=$(ls "$flink_home"/lib/flink-dist*.jar 2>/dev/null | head -1 || true)
[[ -n "$dist" ]] || { log "no lib/flink-dist*.jar under $flink_home"; exit 1; }
version=$(basename "$dist" .jar | sed -E 's/^flink-dist[_0-9.]*-//')

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
src_root="$(dirname "$(dirname "$self")")/tests/fixtures/counter-job/src"
main_class=pulumiflink.testjob.CounterJob
# Hash the sources and this script (its javac flags shape the jar too).
hash=$( (cd "$src_root" && find . -type f -name '*.java' | LC_ALL=C sort | xargs sha256sum; sha256sum < "$self") \
  | sha256sum | cut -c1-12)
out_dir="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}/test-job/$version-$hash"
jar_path="$out_dir/counter-job.jar"

if [[ -f "$jar_path" ]]; then
  log "cached: $jar_path"
  echo "$jar_path"
  exit 0
fi

mkdir -p "$(dirname "$out_dir")"
work=$(mktemp -d "$out_dir.partial.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "compiling $main_class against Flink $version ($flink_home)"
(cd "$src_root" && find . -type f -name '*.java' | LC_ALL=C sort) > "$work/sources"
mkdir -p "$work/classes" "$work/jar"
(cd "$src_root" && javac --release 11 -nowarn -encoding UTF-8 -cp "$flink_home/lib/*" \
  -d "$work/classes" @"$work/sources") >&2
printf 'Main-Class: %s\nprogram-class: %s\n' "$main_class" "$main_class" > "$work/manifest"
jar --create --file "$work/jar/counter-job.jar" --manifest "$work/manifest" -C "$work/classes" . >&2
# Publish atomically; a concurrent build of the same sources may have won the race, which is fine.
mv -T "$work/jar" "$out_dir" 2>/dev/null || [[ -f "$jar_path" ]]
log "built: $jar_path"
echo "$jar_path"
