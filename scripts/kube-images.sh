#!/usr/bin/env bash
# Build the test bed's container images locally (no container registry is reachable here) as
# docker-archive tars that `ctr images import` reads, and print the directory holding them:
#   pause.tar          localhost/pulumi-flink/pause:1     the pod sandbox (scripts/kube/pause.go)
#   flink-<v>.tar      localhost/pulumi-flink/flink:<v>   Debian minbase + OpenJDK 17 JRE + Flink <v>
#                                                         (+ a SQL Gateway, see sql_gateway_for)
# The Debian layer comes from debootstrap against the mirror apt already uses; the Flink homes
# from scripts/install-flink.sh's cache. Each tar is cached; only a finished one counts.
# Usage: kube-images.sh [flink versions...]   (default: 2.3.0)
set -euo pipefail
CACHE="${PULUMI_FLINK_CACHE:-$HOME/.cache/pulumi-flink}"
OUT="${CACHE}/kube-images"
HERE="$(cd "$(dirname "$0")" && pwd)"
VERSIONS=("$@"); [ "${#VERSIONS[@]}" -gt 0 ] || VERSIONS=(2.3.0)
mkdir -p "${OUT}"
log() { echo "[kube-images] $*" >&2; }

# archive OUT.tar NAME CONFIG_JSON LAYER.tar... : a docker-archive image of the given layers.
archive() {
  local out="$1" name="$2" config="$3"; shift 3
  local work; work="$(mktemp -d)"
  local diff_ids=() layers=()
  for layer in "$@"; do
    local sum; sum="$(sha256sum "${layer}" | cut -d' ' -f1)"
    mkdir -p "${work}/${sum}"; ln "${layer}" "${work}/${sum}/layer.tar" 2>/dev/null || cp "${layer}" "${work}/${sum}/layer.tar"
    diff_ids+=("\"sha256:${sum}\""); layers+=("\"${sum}/layer.tar\"")
  done
  local ids; ids="$(IFS=,; echo "${diff_ids[*]}")"
  jq -c --argjson ids "[${ids}]" '. + {architecture: "amd64", os: "linux", rootfs: {type: "layers", diff_ids: $ids}}' <<<"${config}" > "${work}/config.json"
  local csum; csum="$(sha256sum "${work}/config.json" | cut -d' ' -f1)"
  mv "${work}/config.json" "${work}/${csum}.json"
  echo "[{\"Config\":\"${csum}.json\",\"RepoTags\":[\"${name}\"],\"Layers\":[$(IFS=,; echo "${layers[*]}")]}]" > "${work}/manifest.json"
  tar -C "${work}" -cf "${out}.tmp" .
  mv "${out}.tmp" "${out}"
  rm -rf "${work}"
}

if [ ! -f "${OUT}/pause.tar" ]; then
  log "building the pause image"
  tmp="$(mktemp -d)"
  (cd "${HERE}/kube" && CGO_ENABLED=0 GOFLAGS= go build -trimpath -ldflags=-s -o "${tmp}/root/pause" pause.go)
  tar --numeric-owner --owner=0 --group=0 -C "${tmp}/root" -cf "${tmp}/layer.tar" .
  archive "${OUT}/pause.tar" localhost/pulumi-flink/pause:1 '{"config":{"Entrypoint":["/pause"]}}' "${tmp}/layer.tar"
  rm -rf "${tmp}"
fi

BASE="${OUT}/debian-bookworm-jre17.layer.tar"
if [ ! -f "${BASE}" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2; }
  mirror="$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')"
  [ -n "${mirror}" ] || mirror="$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)"
  log "debootstrap bookworm minbase + openjdk-17-jre-headless (first time only, about 2-4 min)"
  start=$(date +%s)
  tmp="$(mktemp -d)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "${tmp}/root" "${mirror}" >&2
  rm -rf "${tmp}"/root/var/cache/apt/archives/*.deb "${tmp}"/root/var/lib/apt/lists/* "${tmp}/root/proc"/* "${tmp}/root/sys"/*
  tar --numeric-owner -C "${tmp}/root" -cf "${BASE}.tmp" .
  mv "${BASE}.tmp" "${BASE}"
  rm -rf "${tmp}"
  log "base layer built in $(( $(date +%s) - start )) s"
fi

# sql_gateway_for V DIR: the home of V has no flink-sql-gateway jar when Maven Central has none of
# that version (1.19.3). The image then gets the newest one of the same minor line that Maven
# Central serves (1.19.1), so SQL jobs run on the node; the jar's name says its version and
# opt/SQL-GATEWAY-VERSION says why. Prints nothing when the home has its own.
sql_gateway_for() {
  local v="$1" dir="$2" minor patch
  ls "${dir}"/flink-sql-gateway-*.jar >/dev/null 2>&1 && return 0
  minor="${v%.*}"; patch="${v##*.}"
  for ((p = patch - 1; p >= 0; p--)); do
    local jar="${CACHE}/downloads/flink-sql-gateway-${minor}.${p}.jar"
    if [ ! -f "${jar}" ]; then
      log "Flink ${v} has no SQL Gateway on Maven Central: trying flink-sql-gateway ${minor}.${p}"
      mvn -q -B dependency:copy -Dartifact="org.apache.flink:flink-sql-gateway:${minor}.${p}" -Dtransitive=false \
        -DoutputDirectory="${CACHE}/downloads" >/dev/null 2>&1 || continue
    fi
    cp "${jar}" "${dir}/"
    echo "flink-sql-gateway ${minor}.${p} from Maven Central: it publishes none for ${v}" > "${dir}/SQL-GATEWAY-VERSION"
    log "the Flink ${v} image gets flink-sql-gateway ${minor}.${p} ($(cat "${dir}/SQL-GATEWAY-VERSION"))"
    return 0
  done
  log "no flink-sql-gateway of the ${minor} line on Maven Central: the Flink ${v} image runs JAR jobs only"
}

# Bump when what goes into a Flink image changes: a tar built by another recipe is built again.
RECIPE="2: home + docker-entrypoint + sql gateway of the line"
for v in "${VERSIONS[@]}"; do
  [ -f "${OUT}/flink-${v}.tar" ] && [ "$(cat "${OUT}/flink-${v}.recipe" 2>/dev/null)" = "${RECIPE}" ] && continue
  home="${CACHE}/flink/${v}"
  [ -d "${home}/bin" ] || { log "no Flink ${v} at ${home}: run scripts/install-flink.sh ${v} first"; exit 1; }
  log "building the Flink ${v} image"
  tmp="$(mktemp -d)"
  mkdir -p "${tmp}/root/opt"
  cp -a "${home}" "${tmp}/root/opt/flink"
  rm -rf "${tmp}/root/opt/flink/log"/* && mkdir -p "${tmp}/root/opt/flink/log"
  install -m 755 "${HERE}/kube/docker-entrypoint.sh" "${tmp}/root/docker-entrypoint.sh"
  sql_gateway_for "${v}" "${tmp}/root/opt/flink/opt"
  tar --numeric-owner --owner=0 --group=0 -C "${tmp}/root" -cf "${tmp}/layer.tar" .
  archive "${OUT}/flink-${v}.tar" "localhost/pulumi-flink/flink:${v}" \
    '{"config":{"Entrypoint":["/docker-entrypoint.sh"],"Env":["FLINK_HOME=/opt/flink","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","PATH=/opt/flink/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/opt/flink"}}' \
    "${BASE}" "${tmp}/layer.tar"
  echo "${RECIPE}" > "${OUT}/flink-${v}.recipe"
  rm -rf "${tmp}"
done
echo "${OUT}"
