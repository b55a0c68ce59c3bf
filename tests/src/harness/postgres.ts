/** Per-run PostgreSQL databases on the local server (127.0.0.1:5432, trust auth). */
import { Client } from "pg";
import { pidAlive } from "./process-utils";

/** Connection settings of the local PostgreSQL server (`PGHOST`, `PGPORT`, `PGUSER` override). */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
}

/** The local server, from the environment or the defaults 127.0.0.1:5432 as `postgres`. */
export function localPostgres(): PostgresServer {
  return {
    host: process.env.PGHOST || "127.0.0.1",
    port: Number(process.env.PGPORT || 5432),
    user: process.env.PGUSER || "postgres",
  };
}

const PER_RUN = /^atrium_(\w+?)_(\d+)_[0-9a-f]+$/;

async function withAdmin<T>(server: PostgresServer, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...server, database: "postgres" });
  try {
    await client.connect();
  } catch (err: unknown) {
    throw new Error(
      `atrium: cannot reach PostgreSQL at ${server.host}:${server.port} as "${server.user}" (${String(err)}); start it or set PGHOST/PGPORT/PGUSER`,
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`database name "${name}" must be lower-case letters, digits and _`);
  }
  return `"${name}"`;
}

/**
 * Creates a database with C collation (what Synapse requires) unless it exists. With no name, a
 * per-run name `atrium_<purpose>_<pid>_<random>` is used, which {@link dropStaleDatabases} can
 * later recognise. Returns the name.
 */
export async function createDatabase(
  server: PostgresServer,
  purpose: string,
  name?: string,
): Promise<string> {
  const db = name ?? `atrium_${purpose}_${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
  await withAdmin(server, async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]);
    if (found.rowCount) return;
    await client.query(
      `CREATE DATABASE ${quoteIdent(db)} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
    );
  });
  return db;
}

/** Drops a database, closing its leftover connections first. */
export async function dropDatabase(server: PostgresServer, name: string): Promise<void> {
  await withAdmin(server, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}

/** Drops per-run databases of `purpose` whose creating process is gone (a crashed run). */
export async function dropStaleDatabases(server: PostgresServer, purpose: string): Promise<void> {
  await withAdmin(server, async (client) => {
    const rows = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`atrium\\_${purpose}\\_%`],
    );
    for (const { datname } of rows.rows) {
      const match = PER_RUN.exec(datname);
      if (match && match[1] === purpose && !pidAlive(Number(match[2]))) {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      }
    }
  });
}
