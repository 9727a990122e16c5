#!/usr/bin/env bash
# Make Prometheus, Alertmanager, promtool and amtool available (Debian packages
# `prometheus` and `prometheus-alertmanager`), only if missing. Prints, one per line on
# stdout, NAME=PATH for prometheus, promtool, alertmanager and amtool; progress on stderr.
#
#   scripts/install-prometheus.sh
#
# Services are never started: the test suite and AlertRoute start/reload what they need.
set -euo pipefail
# Versions from Debian 12 (Prometheus 2.42, Alertmanager 0.25) have every feature used here.
log() { echo "[install-prometheus] $*" >&2; }

need=()
command -v prometheus >/dev/null && command -v promtool >/dev/null || need+=(prometheus)
# Debian names the daemon prometheus-alertmanager; upstream tarballs name it alertmanager.
am_bin() { command -v alertmanager || command -v prometheus-alertmanager; }
am_bin >/dev/null && command -v amtool >/dev/null || need+=(prometheus-alertmanager)

if ((${#need[@]})); then
  command -v apt-get >/dev/null || { log "missing ${need[*]} and no apt-get: install Prometheus >= 2.33 and Alertmanager >= 0.24 by hand"; exit 1; }
  SUDO=""
  [[ $(id -u) == 0 ]] || SUDO="sudo"
  log "installing ${need[*]} from Debian (apt-get update first)..."
  $SUDO apt-get update >&2
  # policy-rc.d 101 keeps maintainer scripts from starting the services where an init exists.
  policy=/usr/sbin/policy-rc.d created_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null && $SUDO chmod +x $policy && created_policy=1
  fi
  trap '[[ -n "$created_policy" ]] && $SUDO rm -f '"$policy" EXIT
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2
fi

for tool in prometheus promtool alertmanager amtool; do
  if [[ $tool == alertmanager ]]; then path=$(am_bin); else path=$(command -v "$tool"); fi
  [[ -n "$path" ]] || { log "$tool still missing after install"; exit 1; }
  log "$tool: $("$path" --version 2>&1 | head -1)"
  echo "$tool=$path"
done
