/**
 * The script a one-shot container runs on every deploy that changes a password or the
 * Postgres container: it makes each service's role and database exist and sets the role's
 * password from the stack's secrets. The init script alone runs only on an empty data volume,
 * so a new stack (regenerated secrets) on a kept volume would otherwise lock every service out.
 */
import { checkDatabaseNames, createDatabaseOptions, type PostgresDatabase } from "./postgres-init";

/**
 * Renders an idempotent sh script for `psql`: waits for the server, creates missing roles and
 * databases, and runs `ALTER ROLE … PASSWORD` for each. Connection settings come from libpq's
 * variables (PGHOST, PGUSER, PGPASSWORD); passwords stay in their environment variables and
 * reach psql as psql variables, never in the script or a process's arguments.
 */
export function renderRolePasswordsScript(databases: readonly PostgresDatabase[]): string {
  const lines = [
    "#!/bin/sh",
    "set -eu",
    "# The server may still be starting (a fresh volume runs its init scripts first).",
    "tries=0",
    "until pg_isready --quiet --dbname postgres; do",
    "  tries=$((tries + 1))",
    '  if [ "$tries" -ge 60 ]; then echo "postgres not ready after 120 s" >&2; exit 1; fi',
    "  sleep 2",
    "done",
  ];
  for (const db of databases) {
    checkDatabaseNames(db, "postgres roles");
    lines.push(
      `psql -v ON_ERROR_STOP=1 --quiet --no-psqlrc --dbname postgres -v pw="$${db.passwordEnv}" <<'SQL'`,
      `SELECT 'CREATE ROLE ${db.owner} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${db.owner}') \\gexec`,
      `ALTER ROLE ${db.owner} WITH LOGIN PASSWORD :'pw';`,
      `SELECT 'CREATE DATABASE ${db.name} ${createDatabaseOptions(db).replaceAll("'", "''")}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${db.name}') \\gexec`,
      "SQL",
      `echo "role ${db.owner}: password set"`,
    );
  }
  return `${lines.join("\n")}\n`;
}
