import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scramMatches } from "../test-support/postgres";
import { runProgram, tempDir } from "../test-support/process";
import { renderPostgresInitScript, type PostgresDatabase } from "./postgres-init";

describe("the init script run by sh against the local PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const dbs: PostgresDatabase[] = [
    {
      name: `t_synapse_${suffix}`,
      owner: `t_synapse_${suffix}`,
      passwordEnv: "SYNAPSE_PW",
      cCollation: true,
    },
    {
      name: `t_etherpad_${suffix}`,
      owner: `t_etherpad_${suffix}`,
      passwordEnv: "ETHERPAD_PW",
      cCollation: false,
    },
  ];
  // Quotes, dollars and backslashes must survive the trip through sh and psql.
  const passwords = {
    SYNAPSE_PW: `it's "a" $ecret\\pw-${suffix}`,
    ETHERPAD_PW: `plain${suffix}Password`,
  };
  const psql = (sql: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    runProgram("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", sql]);

  afterAll(async () => {
    for (const db of dbs) {
      await psql(`DROP DATABASE IF EXISTS ${db.name}`);
      await psql(`DROP ROLE IF EXISTS ${db.owner}`);
    }
  });

  it("creates each role and database, C collation for Synapse, passwords intact", async () => {
    const file = join(tempDir("pg"), "init.sh");
    writeFileSync(file, renderPostgresInitScript(dbs));
    const run = await runProgram("sh", [file], {
      env: { ...process.env, PGHOST: "127.0.0.1", POSTGRES_USER: "postgres", ...passwords },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const db of dbs) {
      const row = await psql(
        `SELECT d.datcollate, r.rolname, a.rolpassword FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba JOIN pg_authid a ON a.oid = r.oid WHERE d.datname = '${db.name}'`,
      );
      const [collate, owner, verifier] = row.stdout.trim().split("|");
      expect(owner).toBe(db.owner);
      if (db.cCollation) expect(collate).toBe("C");
      expect(
        scramMatches(verifier ?? "", passwords[db.passwordEnv as keyof typeof passwords]),
      ).toBe(true);
      expect(scramMatches(verifier ?? "", "wrong")).toBe(false);
    }
  });
});
