import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  LOCAL_PG_ENV,
  psql,
  scramMatches,
  testDatabases,
  verifierOf,
} from "../test-support/postgres";
import { runProgram, tempDir } from "../test-support/process";
import { renderPostgresInitScript } from "./postgres-init";
import { renderRolePasswordsScript } from "./postgres-roles";

describe("the role-password script run by sh against the local PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const dbs = testDatabases("r", ["syn", "pad"], suffix);
  const first = { SYN_PW: `first-syn-${suffix}`, PAD_PW: `first-pad-${suffix}` };
  // Quotes, dollars and backslashes survive sh and psql.
  const second = { SYN_PW: `it's "new" $ecret\\pw-${suffix}`, PAD_PW: `new-pad-${suffix}` };
  const dir = tempDir("pg-roles");
  const run = async (file: string, passwords: Record<string, string>) =>
    runProgram("sh", [file], {
      env: { ...process.env, ...LOCAL_PG_ENV, POSTGRES_USER: "postgres", ...passwords },
    });

  afterAll(async () => {
    for (const db of dbs) {
      await psql(`DROP DATABASE IF EXISTS ${db.name}`);
      await psql(`DROP ROLE IF EXISTS ${db.owner}`);
    }
  });

  it("sets the new passwords on roles the init script created with the old ones", async () => {
    const init = join(dir, "init.sh");
    writeFileSync(init, renderPostgresInitScript(dbs));
    expect((await run(init, first)).code).toBe(0);
    for (const db of dbs) {
      expect(scramMatches(await verifierOf(db.owner), first[db.passwordEnv as "SYN_PW"])).toBe(
        true,
      );
    }

    const roles = join(dir, "roles.sh");
    writeFileSync(roles, renderRolePasswordsScript(dbs));
    const result = await run(roles, second);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const db of dbs) {
      const verifier = await verifierOf(db.owner);
      expect(scramMatches(verifier, second[db.passwordEnv as "SYN_PW"])).toBe(true);
      expect(scramMatches(verifier, first[db.passwordEnv as "SYN_PW"])).toBe(false);
    }
    // Nothing else changed: the databases, owners and Synapse's C collation are the init script's.
    for (const db of dbs) {
      const row = await psql(
        `SELECT r.rolname || ' ' || d.datcollate FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = '${db.name}'`,
      );
      const [owner, collate] = row.stdout.trim().split(" ");
      expect(owner).toBe(db.owner);
      if (db.cCollation) expect(collate).toBe("C");
    }
  });

  it("is idempotent, and creates what a foreign volume lacks", async () => {
    await psql(`DROP DATABASE IF EXISTS ${dbs[1]?.name}`);
    await psql(`DROP ROLE IF EXISTS ${dbs[1]?.owner}`);
    const roles = join(dir, "roles.sh");
    for (let i = 0; i < 2; i++) {
      const result = await run(roles, second);
      expect([result.code, result.stderr]).toEqual([0, ""]);
    }
    expect(scramMatches(await verifierOf(dbs[1]?.owner ?? ""), second.PAD_PW)).toBe(true);
    const owner = await psql(
      `SELECT r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = '${dbs[1]?.name}'`,
    );
    expect(owner.stdout.trim()).toBe(dbs[1]?.owner);
  });

  it("never writes a password into the script", () => {
    const script = renderRolePasswordsScript(dbs);
    expect(script).toContain('-v pw="$SYN_PW"');
    expect(script).not.toContain(second.SYN_PW);
  });
});
