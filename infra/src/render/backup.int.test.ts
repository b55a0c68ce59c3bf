import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_PG_ENV, psql, sqlValue, testDatabases } from "../test-support/postgres";
import { runProgram, tempDir } from "../test-support/process";
import { renderBackupScript, renderRestoreScript, type BackupOptions } from "./backup";

/**
 * The rendered backup and restore scripts, run by sh against the local PostgreSQL: three
 * databases shaped like Synapse's, Etherpad's and Atrium's, and two volume directories. Back
 * up, destroy, restore: the rows, owners, collation and files are back.
 */
describe("backup and restore against the local PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const [synapse, etherpad, atrium] = testDatabases("bk", ["syn", "pad", "atr"], suffix);
  const root = tempDir("backup");
  const backups = join(root, "backups");
  const media = join(root, "synapse-data");
  const prosody = join(root, "prosody-data");
  const appservice = join(root, "appservice-data");
  const options: BackupOptions = {
    databases: [synapse, etherpad, atrium],
    volumes: [
      { name: "synapse-data", path: media },
      { name: "prosody-data", path: prosody },
      { name: "appservice-data", path: appservice, sqlite: ["e2ee/crypto.sqlite"] },
    ],
    keep: 2,
  };
  const backupSh = join(root, "backup.sh");
  const restoreSh = join(root, "restore.sh");
  const env = { ...process.env, ...LOCAL_PG_ENV, ATRIUM_BACKUP_DIR: backups };
  const sql = sqlValue;
  const sets = (): string[] =>
    readdirSync(backups)
      .filter((d) => /^\d{8}T\d{6}Z$/.test(d))
      .sort();

  beforeAll(async () => {
    writeFileSync(backupSh, renderBackupScript(options));
    writeFileSync(restoreSh, renderRestoreScript(options));
    for (const d of options.databases) {
      await sql(`CREATE ROLE ${d.owner} LOGIN`);
      await sql(
        `CREATE DATABASE ${d.name} OWNER ${d.owner}${d.cCollation ? " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" : ""}`,
      );
    }
    // Rows each service would write, created by the service's own role.
    await sql(
      `SET ROLE ${synapse.owner}; CREATE TABLE events (event_id text PRIMARY KEY, body jsonb); INSERT INTO events VALUES ('$e1', '{"body":"héllo"}'), ('$e2', '{"body":"world"}')`,
      synapse.name,
    );
    await sql(
      `SET ROLE ${etherpad.owner}; CREATE TABLE store (key text PRIMARY KEY, value text); INSERT INTO store VALUES ('pad:g.abc$minutes', 'agenda text')`,
      etherpad.name,
    );
    await sql(
      `SET ROLE ${atrium.owner}; CREATE TABLE widgets (id text PRIMARY KEY, room_id text); CREATE TABLE ledger (seq serial PRIMARY KEY, entry text); INSERT INTO widgets VALUES ('pad_1', '!r:example.org'); INSERT INTO ledger (entry) VALUES ('created'), ('archived')`,
      atrium.name,
    );
    mkdirSync(join(media, "media_store", "local_content"), { recursive: true });
    writeFileSync(join(media, "signing.key"), "ed25519 a_key c2lnbmluZw");
    writeFileSync(join(media, "media_store", "local_content", "abc"), Buffer.from([0, 1, 2, 255]));
    mkdirSync(prosody, { recursive: true });
    writeFileSync(join(prosody, "accounts.dat"), "focus");
    // The bot's crypto store as the appservice leaves it while running: the live file and its
    // WAL (which a checkpoint may be emptying as tar reads), and the copy it keeps consistent.
    mkdirSync(join(appservice, "e2ee"), { recursive: true });
    writeFileSync(join(appservice, "e2ee", "crypto.sqlite"), "live, maybe torn");
    writeFileSync(join(appservice, "e2ee", "crypto.sqlite-wal"), "wal frames");
    writeFileSync(join(appservice, "e2ee", "crypto.sqlite-shm"), "shared memory");
    writeFileSync(join(appservice, "e2ee", "crypto.sqlite.snapshot"), "consistent copy");
    writeFileSync(join(appservice, "e2ee", "crypto.sqlite.snapshot.partial"), "half a copy");
  }, 30000);

  afterAll(async () => {
    for (const d of options.databases) {
      await psql(`DROP DATABASE IF EXISTS ${d.name} WITH (FORCE)`);
      await psql(`DROP ROLE IF EXISTS ${d.owner}`);
    }
  });

  it("backs up, and after the databases and volumes are gone restores them intact", async () => {
    const backup = await runProgram("sh", [backupSh], { env });
    expect([backup.code, backup.stderr]).toEqual([0, ""]);
    const [set] = sets();
    expect(set).toBeDefined();
    const files = readFileSync(join(backups, set ?? "", "SHA256SUMS"), "utf8");
    for (const name of [
      `${synapse.name}.dump`,
      `${etherpad.name}.dump`,
      `${atrium.name}.dump`,
      "volumes/synapse-data.tar.gz",
      "volumes/prosody-data.tar.gz",
      "volumes/appservice-data.tar.gz",
    ])
      expect(files).toContain(`./${name}`);

    // Disaster: the databases and the volumes' contents are gone.
    for (const d of options.databases) await sql(`DROP DATABASE ${d.name} WITH (FORCE)`);
    rmSync(media, { recursive: true });
    rmSync(join(prosody, "accounts.dat"));
    writeFileSync(join(prosody, "stray"), "written after the backup");
    rmSync(appservice, { recursive: true });

    const restore = await runProgram("sh", [restoreSh, set ?? ""], { env });
    expect([restore.code, restore.stderr]).toEqual([0, ""]);

    expect(await sql("SELECT event_id, body->>'body' FROM events ORDER BY 1", synapse.name)).toBe(
      "$e1|héllo\n$e2|world",
    );
    expect(await sql("SELECT value FROM store", etherpad.name)).toBe("agenda text");
    expect(await sql("SELECT id, room_id FROM widgets", atrium.name)).toBe("pad_1|!r:example.org");
    expect(await sql("SELECT entry FROM ledger ORDER BY seq", atrium.name)).toBe(
      "created\narchived",
    );
    for (const d of options.databases) {
      const row = await sql(
        `SELECT r.rolname, d.datcollate FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = '${d.name}'`,
      );
      expect(row.split("|")[0]).toBe(d.owner);
      if (d.cCollation) expect(row.split("|")[1]).toBe("C");
    }
    // The tables belong to the service role again, so the service can write to them.
    expect(
      await sql("SELECT tableowner FROM pg_tables WHERE tablename = 'ledger'", atrium.name),
    ).toBe(atrium.owner);
    expect(readFileSync(join(media, "signing.key"), "utf8")).toBe("ed25519 a_key c2lnbmluZw");
    expect([...readFileSync(join(media, "media_store", "local_content", "abc"))]).toEqual([
      0, 1, 2, 255,
    ]);
    expect(readFileSync(join(prosody, "accounts.dat"), "utf8")).toBe("focus");
    expect(existsSync(join(prosody, "stray"))).toBe(false);
    // The crypto store comes back as its consistent copy, with no WAL of another moment.
    expect(readdirSync(join(appservice, "e2ee")).sort()).toEqual(["crypto.sqlite"]);
    expect(readFileSync(join(appservice, "e2ee", "crypto.sqlite"), "utf8")).toBe("consistent copy");
  }, 60000);

  it("archives a live SQLite file whose owner has written no consistent copy yet", async () => {
    rmSync(join(appservice, "e2ee"), { recursive: true });
    mkdirSync(join(appservice, "e2ee"));
    writeFileSync(join(appservice, "e2ee", "crypto.sqlite"), "only the live file");
    const backup = await runProgram("sh", [backupSh], { env });
    expect([backup.code, backup.stderr]).toEqual([0, ""]);
    const [newest] = sets().slice(-1);
    const listed = await runProgram("tar", [
      "-tzf",
      join(backups, newest ?? "", "volumes", "appservice-data.tar.gz"),
    ]);
    expect(listed.stdout.split("\n")).toContain("./e2ee/crypto.sqlite");
  }, 60000);

  it("refuses a set whose files do not match their checksums, changing nothing", async () => {
    const [set] = sets();
    const dump = join(backups, set ?? "", `${atrium.name}.dump`);
    const original = readFileSync(dump);
    writeFileSync(dump, Buffer.concat([original, Buffer.from("tampered")]));
    try {
      const restore = await runProgram("sh", [restoreSh, set ?? ""], { env });
      expect(restore.code).not.toBe(0);
      expect(await sql("SELECT count(*) FROM ledger", atrium.name)).toBe("2");
    } finally {
      writeFileSync(dump, original);
    }
  }, 30000);

  it("keeps only the newest sets, never a partial one, and keeps dumps private", async () => {
    mkdirSync(join(backups, ".partial-19990101T000000Z"));
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 1100)); // stamps have one-second resolution
      const run = await runProgram("sh", [backupSh], { env });
      expect(run.code).toBe(0);
    }
    expect(sets()).toHaveLength(2);
    expect(readdirSync(backups).filter((d) => d.startsWith(".partial"))).toEqual([]);
    const [newest] = sets().slice(-1);
    const mode = (await runProgram("stat", ["-c", "%a", join(backups, newest ?? "")])).stdout;
    expect(mode.trim()).toBe("700");
  }, 60000);
});
