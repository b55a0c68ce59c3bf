/** Helpers for tests against the local PostgreSQL (127.0.0.1:5432, user postgres, trust). */
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import type { PostgresDatabase } from "../render/postgres-init";
import { runProgram } from "./process";

/** libpq settings of the local server, for scripts that connect through PG* variables. */
export const LOCAL_PG_ENV = { PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: "postgres" } as const;

/** Runs one SQL command with psql against `db` (unaligned, tuples only). */
export function psql(
  sql: string,
  db = "postgres",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProgram("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atc", sql]);
}

/**
 * Checks a password against Postgres's stored SCRAM-SHA-256 verifier. The local server trusts
 * loopback, so a login would succeed with any password; the verifier is what a password login
 * in the deployed stack is checked against.
 */
export function scramMatches(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier);
  if (match === null) return false;
  const [, iterations, salt, storedKey] = match as unknown as [string, string, string, string];
  const salted = pbkdf2Sync(
    password,
    Buffer.from(salt, "base64"),
    Number(iterations),
    32,
    "sha256",
  );
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  return createHash("sha256").update(clientKey).digest("base64") === storedKey;
}

/** The stored password verifier of a role ("" when the role does not exist). */
export async function verifierOf(role: string): Promise<string> {
  return (await psql(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role}'`)).stdout.trim();
}

/** Runs one SQL command like {@link psql} and returns its trimmed output; throws when it fails. */
export async function sqlValue(text: string, db = "postgres"): Promise<string> {
  const r = await psql(text, db);
  if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Databases shaped like the stack's for one test run, one per service, each with its own owner
 * and the first with C collation (like Synapse's): `t_<tag>_<service>_<suffix>`, so runs never
 * collide, the password read from `<SERVICE>_PW`.
 */
export function testDatabases<const S extends readonly string[]>(
  tag: string,
  services: S,
  suffix: string,
): { [K in keyof S]: PostgresDatabase } {
  return services.map((service, i) => ({
    name: `t_${tag}_${service}_${suffix}`,
    owner: `t_${tag}_${service}_${suffix}`,
    passwordEnv: `${service.toUpperCase()}_PW`,
    cCollation: i === 0,
  })) as { [K in keyof S]: PostgresDatabase };
}
