#!/usr/bin/env bash
# Materialize a usable FLINK_HOME for one Flink version and print its path (last line of stdout).
#
#   scripts/install-flink.sh 1.20.5
#
# flink-dist is not on Maven Central, so the home is assembled from what the registries serve:
#   PyPI apache-flink            -> bin/, conf/      (shell scripts and default config)
#   PyPI apache-flink-libraries  -> lib/, opt/, plugins/ (flink-dist and friends)
#   Maven Central flink-sql-gateway -> opt/           (bin/sql-gateway.sh looks for it there)
# The result is cached outside the repository, keyed by version; a second run is instant.
# An existing FLINK_HOME of the same version is used as is.
set -euo pipefail

version="${1:?usage: install-flink.sh <flink-version, e.g. 1.20.5>}"
cache="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
home="$cache/flink/$version"
log() { echo "[install-flink $version] $*" >&2; }

dist_version() { # version of the flink-dist jar in a home, or empty
  local jar
  jar=$(ls "$1"/lib/flink-dist*.jar 2>/dev/null | head -1 || true)
  [[ -n "$jar" ]] && basename "$jar" .jar | sed -E 's/^flink-dist[_0-9.]*-//'
}

if [[ -n "${FLINK_HOME:-}" && "$(dist_version "$FLINK_HOME" || true)" == "$version" ]]; then
  log "using existing FLINK_HOME=$FLINK_HOME"
  echo "$FLINK_HOME"
  exit 0
fi
if [[ -f "$home/.complete" ]]; then
  log "cached at $home"
  echo "$home"
  exit 0
fi

command -v java >/dev/null || { log "java is required (Flink needs Java 11 or 17)"; exit 1; }
work="$cache/downloads/flink-$version"
mkdir -p "$work"
if ! ls "$work"/apache[-_]flink[-_]libraries-* >/dev/null 2>&1 || ! ls "$work"/apache[-_]flink-[0-9]* >/dev/null 2>&1; then
  log "downloading apache-flink and apache-flink-libraries $version from PyPI (~300 MB)..."
  python3 -m pip download --no-deps --progress-bar on -d "$work" \
    "apache-flink==$version" "apache-flink-libraries==$version" >&2
fi

staging="$home.partial"
rm -rf "$staging" && mkdir -p "$staging"
unpack="$work/unpacked" && rm -rf "$unpack" && mkdir -p "$unpack"

log "unpacking scripts and configuration"
python3 -m zipfile -e "$(ls "$work"/apache[-_]flink-[0-9]*.whl | head -1)" "$unpack/pyflink-wheel" >&2
cp -r "$unpack/pyflink-wheel/pyflink/bin" "$unpack/pyflink-wheel/pyflink/conf" "$staging/"

log "unpacking libraries"
libs=$(ls "$work"/apache[-_]flink[-_]libraries-* | head -1)
case "$libs" in
  *.whl)    python3 -m zipfile -e "$libs" "$unpack/libs" >&2; root="$unpack/libs/pyflink" ;;
  *.tar.gz) tar -xzf "$libs" -C "$unpack"; root=$(ls -d "$unpack"/apache[-_]flink[-_]libraries-*/deps) ;;
  *) log "unexpected libraries archive $libs"; exit 1 ;;
esac
for d in lib opt plugins licenses; do
  [[ -d "$root/$d" ]] && cp -r "$root/$d" "$staging/"
done
cp "$root"/bin/*.jar "$staging/bin/" # bash-java-utils.jar, needed by the start scripts
mkdir -p "$staging/log"
chmod +x "$staging"/bin/*

log "fetching flink-sql-gateway $version from Maven Central"
mvn -q -B dependency:copy -Dartifact="org.apache.flink:flink-sql-gateway:$version" \
  -DoutputDirectory="$staging/opt" -Dmdep.overWriteIfNewer=true >&2

got=$(dist_version "$staging")
[[ "$got" == "$version" ]] || { log "assembled home reports version '$got', expected $version"; exit 1; }
rm -rf "$unpack"
rm -rf "$home" && mv "$staging" "$home"
date -u +%FT%TZ > "$home/.complete"
log "ready at $home"
echo "$home"
