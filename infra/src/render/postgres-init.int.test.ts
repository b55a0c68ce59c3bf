import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { psql, scramMatches, testDatabases } from "../test-support/postgres";
import { runProgram, tempDir } from "../test-support/process";
import { renderPostgresInitScript } from "./postgres-init";

describe("the init script run by sh against the local PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const dbs = testDatabases("init", ["synapse", "etherpad"], suffix);
  // Quotes, dollars and backslashes must survive the trip through sh and psql.
  const passwords = {
    SYNAPSE_PW: `it's "a" $ecret\\pw-${suffix}`,
    ETHERPAD_PW: `plain${suffix}Password`,
  };

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
