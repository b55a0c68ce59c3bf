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
 * Checks that names can be written into SQL and shell unquoted; throws naming the bad one.
 * Shared by every script rendered from {@link PostgresDatabase} entries.
 */
export function checkDatabaseNames(db: PostgresDatabase, script = "postgres init"): void {
  if (!IDENT.test(db.name)) throw new Error(`${script}: database name "${db.name}" ${BAD}`);
  if (!IDENT.test(db.owner)) throw new Error(`${script}: owner "${db.owner}" ${BAD}`);
  if (!ENV.test(db.passwordEnv)) {
    throw new Error(`${script}: "${db.passwordEnv}" is not an environment variable name`);
  }
}

/** The CREATE DATABASE options of one database (Synapse's needs C collation). */
export function createDatabaseOptions(db: PostgresDatabase): string {
  const collation = db.cCollation ? " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" : "";
  return `OWNER ${db.owner} ENCODING 'UTF8'${collation}`;
}

/**
 * Renders a shell script that creates each role and database. Passwords stay in environment
 * variables and reach psql as variables, so they never appear in the script or in `ps`.
 */
export function renderPostgresInitScript(databases: readonly PostgresDatabase[]): string {
  const lines = ["#!/bin/sh", "set -eu"];
  for (const db of databases) {
    checkDatabaseNames(db);
    lines.push(
      `psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$${db.passwordEnv}" <<'SQL'`,
      `CREATE ROLE ${db.owner} LOGIN PASSWORD :'pw';`,
      `CREATE DATABASE ${db.name} ${createDatabaseOptions(db)};`,
      "SQL",
    );
  }
  return `${lines.join("\n")}\n`;
}
