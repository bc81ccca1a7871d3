#!/bin/sh
# One-shot schema setup for Temporal on PostgreSQL (run by the temporal-admin-tools service), as in
# temporalio/samples-server compose/scripts/setup-postgres.sh. Safe to re-run: existing databases are kept and
# update-schema only applies the versions that are missing.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
attempt=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL did not open its port" >&2
    exit 1
  fi
  sleep 2
done

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"
}

for db in temporal temporal_visibility; do
  if [ "$db" = temporal ]; then dir=temporal; else dir=visibility; fi
  # `create` fails when the database exists (a restart with the volume kept); the schema steps below still
  # fail loudly if the database is really unreachable.
  sql --db "$db" create || echo "Database $db already exists"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
done

echo 'PostgreSQL schema setup complete'
