/** The first-start script of the Postgres container (`/docker-entrypoint-initdb.d`). */

/** One database and its owner; the password is read from an environment variable. */
export interface PostgresDatabase {
  readonly name: string;
  readonly owner: string;
  /** Name of the environment variable holding the owner's password. */
  readonly passwordEnv: string;
  /** Synapse refuses databases without C collation. */
  readonly cCollation: boolean;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
const ENV = /^[A-Z_][A-Z0-9_]*$/;
const BAD = "must be a lower-case SQL identifier (letters, digits, _)";

/**
 * Renders a shell script that creates each role and database. Passwords stay in environment
 * variables and reach psql as variables, so they never appear in the script or in `ps`.
 */
export function renderPostgresInitScript(databases: readonly PostgresDatabase[]): string {
  const lines = ["#!/bin/sh", "set -eu"];
  for (const db of databases) {
    if (!IDENT.test(db.name)) throw new Error(`postgres init: database name "${db.name}" ${BAD}`);
    if (!IDENT.test(db.owner)) throw new Error(`postgres init: owner "${db.owner}" ${BAD}`);
    if (!ENV.test(db.passwordEnv)) {
      throw new Error(`postgres init: "${db.passwordEnv}" is not an environment variable name`);
    }
    const collation = db.cCollation ? " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" : "";
    lines.push(
      `psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$${db.passwordEnv}" <<'SQL'`,
      `CREATE ROLE ${db.owner} LOGIN PASSWORD :'pw';`,
      `CREATE DATABASE ${db.name} OWNER ${db.owner} ENCODING 'UTF8'${collation};`,
      "SQL",
    );
  }
  return `${lines.join("\n")}\n`;
}
