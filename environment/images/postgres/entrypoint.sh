#!/bin/bash
# First start on an empty data dir: initdb with POSTGRES_USER and POSTGRES_PASSWORD, create POSTGRES_DB
# in single-user mode (the binaries have no psql), accept password logins from anywhere. A later start
# (a restarted container) finds PG_VERSION and goes straight to the server: its data stays.
set -euo pipefail
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo 'POSTGRES_PASSWORD is not set: give the superuser a password (-e POSTGRES_PASSWORD=...)' >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync
  rm -f "$pwfile"
  printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    db=${POSTGRES_DB//\"/\"\"}
    echo "CREATE DATABASE \"$db\"" | postgres --single -D "$PGDATA" -j postgres > /dev/null
  fi
  echo 'entrypoint: database initialised; starting the server'
fi
exec "$@"
