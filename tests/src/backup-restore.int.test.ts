/**
 * Backup and restore as `pulumi up` deploys them, end to end: the appservice keeps its store
 * in the local PostgreSQL under its own role; the rendered backup script (what the
 * `atrium-backup` container runs) dumps it, the database is dropped, the rendered restore
 * script brings it back, and the restarted appservice finds its widgets and its ledger (a
 * command it already handled is not run again).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { renderBackupScript, renderRestoreScript, type BackupOptions } from "@atrium/infra/render";
import { startAtrium, type AtriumStack, type TestUser } from "./harness/atrium";
import { command, roomWithBot, widgetsIn } from "./appservice/fixtures";

const run = promisify(execFile);
const PG_ENV = { PGHOST: "127.0.0.1", PGPORT: "5432", PGUSER: "postgres" };
const suffix = randomBytes(4).toString("hex");
const role = `t_restore_${suffix}`;
let dir: string;
let stack: AtriumStack;
let owner: TestUser;

async function psql(sql: string, db = "postgres"): Promise<string> {
  const { stdout } = await run("psql", [
    "-h",
    "127.0.0.1",
    "-U",
    "postgres",
    "-d",
    db,
    "-Atc",
    sql,
  ]);
  return stdout.trim();
}

async function sh(script: string, args: string[] = []): Promise<void> {
  await run("sh", [script, ...args], {
    env: { ...process.env, ...PG_ENV, ATRIUM_BACKUP_DIR: path.join(dir, "backups") },
  });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-restore-"));
  await psql(`CREATE ROLE ${role} LOGIN`);
  await psql(
    `CREATE DATABASE ${role} OWNER ${role} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
  );
  stack = await startAtrium({ postgresUrl: `postgres://${role}@127.0.0.1:5432/${role}` });
  owner = await stack.user("owner");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await psql(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`).catch(() => undefined);
  await psql(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

it("backs up Atrium's store, restores it after the database is gone, and the appservice carries on", async () => {
  const roomId = await roomWithBot(stack, owner, { name: "Restore" });
  expect(String((await command(stack, owner, roomId, "!pad minutes")).content.body)).toMatch(
    /Added the pad "minutes"/,
  );
  const ledgerBefore = await psql("SELECT event_id, outcome FROM ledger ORDER BY event_id", role);
  expect(ledgerBefore).toMatch(/\|done/);

  const options: BackupOptions = {
    databases: [{ name: role, owner: role, passwordEnv: "UNUSED", cCollation: true }],
    volumes: [],
    keep: 3,
  };
  const backupSh = path.join(dir, "backup.sh");
  const restoreSh = path.join(dir, "restore.sh");
  await fs.writeFile(backupSh, renderBackupScript(options));
  await fs.writeFile(restoreSh, renderRestoreScript(options));

  await stack.stopAppservice();
  await sh(backupSh);
  const [set] = (await fs.readdir(path.join(dir, "backups"))).filter((d) =>
    /^\d{8}T\d{6}Z$/.test(d),
  );
  expect(set).toBeDefined();
  await psql(`DROP DATABASE ${role} WITH (FORCE)`);
  await sh(restoreSh, [set ?? ""]);
  expect(await psql("SELECT event_id, outcome FROM ledger ORDER BY event_id", role)).toBe(
    ledgerBefore,
  );

  await stack.restart();
  const list = await command(stack, owner, roomId, "!widgets");
  expect(String(list.content.body)).toMatch(/minutes \(pad\)/);
  // The restored store still drives the room: remove archives the restored pad.
  const removed = await command(stack, owner, roomId, "!remove minutes");
  expect(String(removed.content.body)).toMatch(/Removed "minutes"/);
  expect([...(await widgetsIn(owner, roomId)).values()].some((w) => w.name === "minutes")).toBe(
    false,
  );
}, 180_000);
