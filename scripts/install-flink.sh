#!/usr/bin/env bash
# Materialize a usable FLINK_HOME and print its path (last line of stdout).
#
#   scripts/install-flink.sh 1.20.5                                  # from the package registries
#   scripts/install-flink.sh --url <tgz URL> --sha512 <hex> [1.20.5] # an official binary release or a mirror of it
#
# From the registries (flink-dist is not on Maven Central), the home is assembled from:
#   PyPI apache-flink            -> bin/, conf/      (shell scripts and default config)
#   PyPI apache-flink-libraries  -> lib/, opt/, plugins/ (flink-dist and friends)
#   Maven Central flink-sql-gateway -> opt/           (bin/sql-gateway.sh looks for it there)
# PyPI serves either a wheel or a source archive (e.g. 1.18.1 has no wheel for this Python); both
# carry the same folders. The SQL Gateway is optional: when Maven Central has no flink-sql-gateway
# of the version (e.g. 1.19.3), the home is made without it and .no-sql-gateway says why.
# From a URL (http, https or file), the archive is checked against its sha512 before unpacking.
# The result is cached outside the repository, keyed by version (or by sha512 for a URL); a second
# run is instant. An existing FLINK_HOME of the same version is used as is (registry case only).
set -euo pipefail

url="" sha512="" version=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url) url="${2:?--url needs a value}"; shift 2 ;;
    --sha512) sha512="${2:?--sha512 needs a value}"; shift 2 ;;
    *) version="$1"; shift ;;
  esac
done
[[ -n "$url" || -n "$version" ]] || { echo "usage: install-flink.sh <flink-version> | --url <URL> --sha512 <hex> [<flink-version>]" >&2; exit 2; }
cache="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
if [[ -n "$url" ]]; then
  sha512=$(tr 'A-F' 'a-f' <<<"$sha512")
  [[ "$sha512" =~ ^[0-9a-f]{128}$ ]] || { echo "[install-flink] --sha512 must be 128 hex digits (the archive's .sha512 file)" >&2; exit 2; }
  key="dist-${sha512:0:16}"
  shown="${url%%[?#]*}" # never print a query string (pre-signed URLs carry tokens there)
else
  key="$version"
fi
home="$cache/flink/$key"
log() { echo "[install-flink ${version:-$key}] $*" >&2; }

dist_version() { # version of the flink-dist jar in a home, or empty
  local jar
  jar=$(ls "$1"/lib/flink-dist*.jar 2>/dev/null | head -1 || true)
  [[ -n "$jar" ]] && basename "$jar" .jar | sed -E 's/^flink-dist[_0-9.]*-//'
}

if [[ -z "$url" && -n "${FLINK_HOME:-}" && "$(dist_version "$FLINK_HOME" || true)" == "$version" ]]; then
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
work="$cache/downloads/flink-$key"
mkdir -p "$work"
staging="$home.partial"
rm -rf "$staging" && mkdir -p "$staging"
unpack="$work/unpacked" && rm -rf "$unpack" && mkdir -p "$unpack"

unpack_any() { # unpack a wheel (zip) or a source archive (tar.gz) into $2
  case "$1" in
    *.whl) python3 -m zipfile -e "$1" "$2" >&2 ;;
    *.tar.gz) mkdir -p "$2" && tar -xzf "$1" -C "$2" ;;
    *) log "unexpected archive $1 (neither a wheel nor a source archive)"; exit 1 ;;
  esac
}

if [[ -n "$url" ]]; then
  archive="$work/distribution.tgz"
  if [[ ! -f "$archive" ]]; then
    log "downloading $shown"
    curl -fL --progress-bar --retry 2 -o "$archive.part" "$url" || { rm -f "$archive.part"; log "downloading $shown failed"; exit 1; }
    mv "$archive.part" "$archive"
  fi
  actual=$(sha512sum "$archive" | cut -d' ' -f1)
  if [[ "$actual" != "$sha512" ]]; then
    rm -rf "$archive" "$staging" "$unpack"
    log "the archive from $shown has sha512 $actual, expected $sha512 (distributionSha512); it was discarded"
    exit 3
  fi
  log "sha512 verified; unpacking"
  tar -xf "$archive" -C "$unpack"
  top=$(dirname "$(ls -d "$unpack"/*/lib/flink-dist*.jar "$unpack"/lib/flink-dist*.jar 2>/dev/null | head -1 || true)")
  [[ "$top" != "." ]] || { log "the archive from $shown holds no lib/flink-dist-*.jar: it is not a Flink binary release"; exit 1; }
  top=$(dirname "$top")
  rm -rf "$staging" && mv "$top" "$staging"
  mkdir -p "$staging/log"
  if ! ls "$staging"/opt/flink-sql-gateway*.jar >/dev/null 2>&1; then
    echo "the archive from $shown has no opt/flink-sql-gateway-*.jar" >"$staging/.no-sql-gateway"
    log "no SQL Gateway: $(cat "$staging/.no-sql-gateway"); the home runs JAR jobs only"
  fi
else
  if ! ls "$work"/apache[-_]flink[-_]libraries-* >/dev/null 2>&1 || ! ls "$work"/apache[-_]flink-[0-9]* >/dev/null 2>&1; then
    log "downloading apache-flink and apache-flink-libraries $version from PyPI (~300 MB)..."
    python3 -m pip download --no-deps --progress-bar on -d "$work" \
      "apache-flink==$version" "apache-flink-libraries==$version" >&2
  fi

  log "unpacking scripts and configuration"
  scripts=$(ls "$work"/apache[-_]flink-[0-9]* | head -1)
  unpack_any "$scripts" "$unpack/pyflink"
  # A wheel keeps them in pyflink/, a source archive in <name>-<version>/deps/.
  bin=$(dirname "$(ls -d "$unpack"/pyflink/pyflink/bin/config.sh "$unpack"/pyflink/*/deps/bin/config.sh 2>/dev/null | head -1 || true)")
  [[ "$bin" != "." ]] || { log "$(basename "$scripts") holds no bin/config.sh"; exit 1; }
  cp -r "$bin" "$(dirname "$bin")/conf" "$staging/"

  log "unpacking libraries"
  libs=$(ls "$work"/apache[-_]flink[-_]libraries-* | head -1)
  unpack_any "$libs" "$unpack/libs"
  root=$(ls -d "$unpack"/libs/pyflink "$unpack"/libs/apache[-_]flink[-_]libraries-*/deps 2>/dev/null | head -1 || true)
  for d in lib opt plugins licenses; do
    [[ -d "$root/$d" ]] && cp -r "$root/$d" "$staging/"
  done
  cp "$root"/bin/*.jar "$staging/bin/" # bash-java-utils.jar, needed by the start scripts
  mkdir -p "$staging/log"

  log "fetching flink-sql-gateway $version from Maven Central"
  if ! out=$(mvn -q -B dependency:copy -Dartifact="org.apache.flink:flink-sql-gateway:$version" \
    -DoutputDirectory="$staging/opt" -Dmdep.overWriteIfNewer=true 2>&1); then
    # Only a release Maven Central does not have makes a home without SQL; a network failure fails.
    # (Maven says "Could not find artifact", or "was not found ... during a previous attempt" once cached.)
    if grep -qE "Could not find artifact org.apache.flink:flink-sql-gateway|flink-sql-gateway:jar:$version was not found" <<<"$out"; then
      echo "Maven Central has no org.apache.flink:flink-sql-gateway:$version" >"$staging/.no-sql-gateway"
      log "no SQL Gateway: $(cat "$staging/.no-sql-gateway"); the home runs JAR jobs only"
    else
      grep -E "ERROR" <<<"$out" | head -5 >&2
      exit 1
    fi
  fi
fi
chmod +x "$staging"/bin/*

got=$(dist_version "$staging")
[[ -z "$version" || "$got" == "$version" ]] || { log "assembled home reports version '$got', expected $version"; exit 1; }
rm -rf "$unpack"
rm -rf "$home" && mv "$staging" "$home"
date -u +%FT%TZ > "$home/.complete"
log "ready at $home"
echo "$home"
