#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL 15 server in a temporary folder, then stops it.
#   scripts/with-postgres.sh COMMAND...   (DATABASE_URL is set for COMMAND)
# initdb refuses root, so the server runs as the 'postgres' user (or a 'pgrunner' made for it).
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-55432}
if [ ! -x "$PG_BIN/initdb" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
runner=postgres
if ! id "$runner" >/dev/null 2>&1; then
  runner=pgrunner
  id "$runner" >/dev/null 2>&1 || useradd -r -m "$runner"
fi
as_runner() { if [ "$(id -u)" = 0 ]; then runuser -u "$runner" -- "$@"; else "$@"; fi; }

dir=$(mktemp -d /tmp/communityedu-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown "$runner" "$dir"
stop() {
  as_runner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT INT TERM
as_runner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
# 300 connections: the suite's exactly-once test sends 200 check-ins at once, each on its own.
# The suite runs without durability (fsync off); benchmarks set PG_DURABLE=1 for a server as a town runs it.
durability="-c fsync=off -c synchronous_commit=off"
[ "${PG_DURABLE:-0}" = 1 ] && durability=""
as_runner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $durability" start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $DATABASE_URL"
"$@"
