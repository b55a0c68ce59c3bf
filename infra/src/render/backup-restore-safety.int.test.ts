import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_PG_ENV, psql, sqlValue, testDatabases } from "../test-support/postgres";
import { runProgram, tempDir } from "../test-support/process";
import { renderBackupScript, renderRestoreScript, type BackupOptions } from "./backup";

/**
 * A restore checks the whole set before it touches anything (issue 22 item 7): a set that
 * lacks a dump, or holds a dump or archive that cannot be read (with checksums that match,
 * as a set from an older stack or a broken disk at backup time would), is refused, and the
 * live databases and volumes stay exactly as they were. Run by sh against the local PostgreSQL.
 */
describe("a restore that cannot complete changes nothing", () => {
  const suffix = randomBytes(4).toString("hex");
  const [synapse, etherpad, atrium] = testDatabases("rs", ["syn", "pad", "atr"], suffix);
  const root = tempDir("restore-safety");
  const backups = join(root, "backups");
  const media = join(root, "synapse-data");
  const options: BackupOptions = {
    databases: [synapse, etherpad, atrium],
    volumes: [{ name: "synapse-data", path: media }],
    keep: 5,
  };
  const backupSh = join(root, "backup.sh");
  const restoreSh = join(root, "restore.sh");
  const env = { ...process.env, ...LOCAL_PG_ENV, ATRIUM_BACKUP_DIR: backups };
  const sql = sqlValue;
  /** What the live stack holds: a row count per database and the media file. */
  const live = async (): Promise<string[]> => [
    await sql("SELECT count(*) FROM events", synapse.name),
    await sql("SELECT count(*) FROM store", etherpad.name),
    await sql("SELECT count(*) FROM ledger", atrium.name),
    readFileSync(join(media, "signing.key"), "utf8"),
  ];
  let set = "";
  /** Rewrites a set's SHA256SUMS so its checksums match what is there now. */
  const resum = (dir: string): Promise<unknown> =>
    runProgram("sh", [
      "-c",
      `cd "${dir}" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS`,
    ]);
  /** A copy of the good set under a new name, changed by `spoil`. */
  const spoiled = async (name: string, spoil: (dir: string) => void): Promise<string> => {
    const dir = join(backups, name);
    await runProgram("cp", ["-a", join(backups, set), dir]);
    spoil(dir);
    await resum(dir);
    return name;
  };

  beforeAll(async () => {
    writeFileSync(backupSh, renderBackupScript(options));
    writeFileSync(restoreSh, renderRestoreScript(options));
    for (const d of options.databases) {
      await sql(`CREATE ROLE ${d.owner} LOGIN`);
      await sql(`CREATE DATABASE ${d.name} OWNER ${d.owner}`);
    }
    await sql(
      `SET ROLE ${synapse.owner}; CREATE TABLE events (id text); INSERT INTO events VALUES ('$a')`,
      synapse.name,
    );
    await sql(
      `SET ROLE ${etherpad.owner}; CREATE TABLE store (k text); INSERT INTO store VALUES ('p')`,
      etherpad.name,
    );
    await sql(
      `SET ROLE ${atrium.owner}; CREATE TABLE ledger (e text); INSERT INTO ledger VALUES ('x')`,
      atrium.name,
    );
    mkdirSync(media, { recursive: true });
    writeFileSync(join(media, "signing.key"), "key at backup time");
    const run = await runProgram("sh", [backupSh], { env });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    set = readdirSync(backups).find((d) => /^\d{8}T\d{6}Z$/.test(d)) ?? "";
    // The live stack moves on after the backup.
    await sql("INSERT INTO events VALUES ('$b')", synapse.name);
    await sql("INSERT INTO store VALUES ('q')", etherpad.name);
    await sql("INSERT INTO ledger VALUES ('y')", atrium.name);
    writeFileSync(join(media, "signing.key"), "key written after the backup");
  }, 60000);

  afterAll(async () => {
    for (const d of options.databases) {
      for (const name of [d.name, `${d.name}_restore`, `${d.name}_old`])
        await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await psql(`DROP ROLE IF EXISTS ${d.owner}`);
    }
  });

  const after = ["2", "2", "2", "key written after the backup"];

  it.each([
    [
      "lacks the last database's dump",
      "19990101T000001Z",
      (dir: string) => rmSync(join(dir, `${atrium.name}.dump`)),
      atrium.name,
    ],
    [
      "holds a dump that is not a readable archive",
      "19990101T000002Z",
      (dir: string) => {
        const dump = join(dir, `${atrium.name}.dump`);
        writeFileSync(dump, readFileSync(dump).subarray(0, 200));
      },
      atrium.name,
    ],
    [
      "holds a volume archive that is cut short",
      "19990101T000003Z",
      (dir: string) => {
        const tar = join(dir, "volumes", "synapse-data.tar.gz");
        writeFileSync(tar, readFileSync(tar).subarray(0, 20));
      },
      "synapse-data",
    ],
  ])(
    "refuses a set that %s, naming it, before touching anything",
    async (_what, name, spoil, part) => {
      expect(await live()).toEqual(after);
      await spoiled(name, spoil);
      const restore = await runProgram("sh", [restoreSh, name], { env });
      expect(restore.code).not.toBe(0);
      expect(restore.stderr).toContain(part);
      expect(restore.stdout).not.toContain("restoring database");
      expect(await live()).toEqual(after);
      // No half-made database is left behind.
      expect(
        await sql(`SELECT count(*) FROM pg_database WHERE datname LIKE 't_rs_%${suffix}_%'`),
      ).toBe("0");
    },
    60000,
  );

  it("restores the good set afterwards (the checks do not get in the way)", async () => {
    const restore = await runProgram("sh", [restoreSh, set], { env });
    expect([restore.code, restore.stderr]).toEqual([0, ""]);
    expect(await live()).toEqual(["1", "1", "1", "key at backup time"]);
    expect(
      await sql(`SELECT count(*) FROM pg_database WHERE datname LIKE 't_rs_%${suffix}_%'`),
    ).toBe("0");
    const owner = await sql(
      `SELECT r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = '${atrium.name}'`,
    );
    expect(owner).toBe(atrium.owner);
  }, 60000);
});
