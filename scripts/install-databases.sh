#!/usr/bin/env bash
# Install the database servers the connector tests run: PostgreSQL 15 (server + psql) and MariaDB
# (a MySQL-compatible server with binlog, + client) from Debian, only when missing.
#
#   scripts/install-databases.sh
#
# The Debian services are never enabled or started: tests start their own instances on their own
# ports and data directories (tests/support/postgres.ts, tests/support/mariadb.ts).
# Prints nothing on stdout; progress goes to stderr.
set -euo pipefail
log() { echo "[install-databases] $*" >&2; }

need=()
[[ -x /usr/lib/postgresql/15/bin/postgres && -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql-15)
command -v psql >/dev/null || need+=(postgresql-client-15)
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server)
command -v mariadb >/dev/null || need+=(mariadb-client)

if [[ ${#need[@]} -eq 0 ]]; then
  log "PostgreSQL 15 and MariaDB already installed"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { log "installing ${need[*]} needs root (apt-get)"; exit 1; }
# policy-rc.d exit 101 keeps the package scripts from starting the Debian services.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[[ -n "$created_policy" ]] && rm -f "$policy"' EXIT
log "apt-get update"
apt-get update -q >&2
log "installing ${need[*]} from Debian (not started as services)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
for unit in postgresql mariadb; do
  systemctl disable "$unit" >/dev/null 2>&1 || true
done
log "installed: $(/usr/lib/postgresql/15/bin/postgres --version), $(/usr/sbin/mariadbd --version 2>/dev/null | head -1)"
