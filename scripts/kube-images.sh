#!/usr/bin/env bash
# Build the test bed's container images locally (no container registry is reachable here) as
# docker-archive tars that `ctr images import` reads, and print the directory holding them:
#   pause.tar          localhost/pulumi-flink/pause:1     the pod sandbox (scripts/kube/pause.go)
#   flink-<v>.tar      localhost/pulumi-flink/flink:<v>   Debian minbase + OpenJDK 17 JRE + Flink <v>
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

for v in "${VERSIONS[@]}"; do
  [ -f "${OUT}/flink-${v}.tar" ] && continue
  home="${CACHE}/flink/${v}"
  [ -d "${home}/bin" ] || { log "no Flink ${v} at ${home}: run scripts/install-flink.sh ${v} first"; exit 1; }
  log "building the Flink ${v} image"
  tmp="$(mktemp -d)"
  mkdir -p "${tmp}/root/opt"
  cp -a "${home}" "${tmp}/root/opt/flink"
  rm -rf "${tmp}/root/opt/flink/log"/* && mkdir -p "${tmp}/root/opt/flink/log"
  install -m 755 "${HERE}/kube/docker-entrypoint.sh" "${tmp}/root/docker-entrypoint.sh"
  tar --numeric-owner --owner=0 --group=0 -C "${tmp}/root" -cf "${tmp}/layer.tar" .
  archive "${OUT}/flink-${v}.tar" "localhost/pulumi-flink/flink:${v}" \
    '{"config":{"Entrypoint":["/docker-entrypoint.sh"],"Env":["FLINK_HOME=/opt/flink","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","PATH=/opt/flink/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/opt/flink"}}' \
    "${BASE}" "${tmp}/layer.tar"
  rm -rf "${tmp}"
done
echo "${OUT}"
