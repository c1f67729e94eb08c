#!/usr/bin/env bash
# Makes sure a local PostgreSQL server runs for the tests, installing Debian's
# package when it is missing, and prints an admin URL for it on stdout.
# Idempotent: run it as often as you like. The server refuses to run as root,
# so it is managed with the cluster tools, which run it as the postgres user.
set -euo pipefail

log() { echo "pg-up: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql (Debian package)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi

ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$ver main"; then
  log "creating cluster $ver/main"
  pg_createcluster "$ver" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
status=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}')
if [ "$status" != "online" ]; then
  log "starting cluster $ver/main on port $port"
  pg_ctlcluster "$ver" main start >&2
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "server did not come up"; exit 1; }

as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
if ! as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'zlc'" | grep -q 1; then
  log "creating role zlc"
  as_postgres psql -p "$port" -qc "CREATE ROLE zlc LOGIN PASSWORD 'zlc' CREATEDB" >&2
fi
echo "postgres://zlc:zlc@127.0.0.1:${port}/postgres"
