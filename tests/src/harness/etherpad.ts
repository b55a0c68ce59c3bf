/** Starts a real Etherpad 1.8.14 (from the cached npm install) on loopback for tests and `pnpm dev`. */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { ensureEtherpadInstalled } from "./install-etherpad";
import { createDatabase, dropDatabase, dropStaleDatabases, localPostgres } from "./postgres";
import { waitUntilAnswering } from "./process-utils";
import { attemptPort, serviceDataDir, settleStart, spawnLogged } from "./temp-service";

/** A PostgreSQL database for Etherpad; omitted fields come from {@link localPostgres}. */
export interface EtherpadPostgres {
  type: "postgres";
  host?: string;
  port?: number;
  user?: string;
  /** An existing database to use; without it a per-run database is created and dropped. */
  database?: string;
}

/** Options of {@link startEtherpad}; every key is optional. */
export interface StartEtherpadOptions {
  /** Only users with an API-created session may open pads; default true. */
  requireSession?: boolean;
  /** Only the API may create pads; default true. */
  editOnly?: boolean;
  /** DirtyDB in the data dir (default) or PostgreSQL through ueberdb2's `postgres` type. */
  db?: { type: "dirty" } | EtherpadPostgres;
  /** Keep data (and the API key) here across runs; default: a temp dir removed at stop. */
  dataDir?: string;
  /** Listener port; default: a free port picked per run. */
  port?: number;
  /** How long to wait for `GET /api`; default 60 s. */
  startTimeoutMs?: number;
}

/** A running Etherpad. */
export interface EtherpadHandle {
  /** Base URL, e.g. `http://127.0.0.1:38123`. */
  url: string;
  /** The HTTP API key (content of the APIKEY.txt it was started with). */
  apiKey: string;
  port: number;
  logFile: string;
  dataDir: string;
  /** The database it runs on (a per-run PostgreSQL database is dropped at stop). */
  db: EtherpadSettingsInput["db"];
  /** SIGTERM, SIGKILL after 5 s; drops a per-run database and removes a temp data dir. */
  stop(): Promise<void>;
}

/** Settings file fields for {@link renderEtherpadSettings}. */
export interface EtherpadSettingsInput {
  port: number;
  db:
    | { type: "dirty"; filename: string }
    | { type: "postgres"; host: string; port: number; user: string; database: string };
  requireSession: boolean;
  editOnly: boolean;
}

const TEMP_PREFIX = "atrium-etherpad-";

/**
 * Preloaded into Etherpad: exit when the process that started it is gone (its parent pid
 * changes), e.g. a crashed jest worker. Reading stdin instead breaks Etherpad's worker threads.
 */
const WATCHDOG = `const parent = process.ppid;
setInterval(() => {
  if (process.ppid === parent) return;
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.kill(process.pid, "SIGKILL"), 5000).unref();
}, 1000).unref();
`;

/**
 * settings.json for Etherpad 1.8.14 on loopback. 1.8.14 has no `authenticationMethod` setting:
 * its HTTP API always checks the key of APIKEY.txt (here the file given by `--apikey`).
 */
export function renderEtherpadSettings(input: EtherpadSettingsInput): string {
  const { db } = input;
  const { type: _type, ...dbSettings } = db;
  const settings = {
    title: "Atrium pads (local)",
    ip: "127.0.0.1",
    port: input.port,
    dbType: db.type,
    dbSettings,
    requireSession: input.requireSession,
    editOnly: input.editOnly,
    skinName: "colibris",
    minify: false,
    suppressErrorsInPadText: true,
    defaultPadText: "",
    trustProxy: false,
    loglevel: "INFO",
  };
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/** A per-run PostgreSQL database for Etherpad on the local server, and how to drop it. */
export async function createEtherpadDatabase(): Promise<
  Required<EtherpadPostgres> & { drop(): Promise<void> }
> {
  const pg = localPostgres();
  await dropStaleDatabases(pg, "etherpad");
  const database = await createDatabase(pg, "etherpad");
  return { type: "postgres", ...pg, database, drop: () => dropDatabase(pg, database) };
}

/** The API key kept in the data dir (reused by a persistent data dir), 48 hex characters. */
async function loadApiKey(file: string): Promise<string> {
  const existing = await fs.readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  const key = randomBytes(24).toString("hex");
  await fs.writeFile(file, key, { mode: 0o600 });
  return key;
}

/**
 * Installs Etherpad if needed, starts it and waits until `GET /api` answers. Throws, naming the
 * log file and quoting its last 30 lines, when it does not come up within the timeout.
 */
export async function startEtherpad(opts: StartEtherpadOptions = {}): Promise<EtherpadHandle> {
  const srcDir = await ensureEtherpadInstalled();
  const data = await serviceDataDir(TEMP_PREFIX, opts.dataDir);
  const { dataDir } = data;
  const apiKeyFile = path.join(dataDir, "APIKEY.txt");
  const apiKey = await loadApiKey(apiKeyFile);
  const watchdog = path.join(dataDir, "watchdog.js");
  await fs.writeFile(watchdog, WATCHDOG);

  let db: EtherpadSettingsInput["db"] = { type: "dirty", filename: path.join(dataDir, "dirty.db") };
  let perRunDb: { drop(): Promise<void> } | null = null;
  if (opts.db?.type === "postgres") {
    const pg = { ...localPostgres(), ...opts.db };
    if (pg.database === undefined) {
      const created = await createEtherpadDatabase();
      perRunDb = created;
      pg.database = created.database;
    }
    db = { type: "postgres", host: pg.host, port: pg.port, user: pg.user, database: pg.database };
  }
  const cleanupStorage = async (): Promise<void> => {
    if (perRunDb) await perRunDb.drop();
    await data.remove();
  };

  const logFile = path.join(dataDir, "etherpad.log");
  for (let attempt = 1; ; attempt++) {
    const port = await attemptPort(opts.port, cleanupStorage);
    const settingsFile = path.join(dataDir, "settings.json");
    const settings = renderEtherpadSettings({
      port,
      db,
      requireSession: opts.requireSession ?? true,
      editOnly: opts.editOnly ?? true,
    });
    await fs.writeFile(settingsFile, settings, { mode: 0o600 });
    const args = ["--require", watchdog, path.join(srcDir, "node", "server.js")];
    args.push("--settings", settingsFile, "--apikey", apiKeyFile);
    args.push("--sessionkey", path.join(dataDir, "SESSIONKEY.txt"));
    const { child, unregister } = spawnLogged(process.execPath, args, {
      cwd: path.dirname(srcDir),
      logFile,
      dataDir,
      tempPrefix: TEMP_PREFIX,
    });
    const url = `http://127.0.0.1:${port}`;
    const error = await waitUntilAnswering(
      child,
      `${url}/api`,
      async (signal) => {
        const res = await fetch(`${url}/api`, { signal });
        const body = (await res.json()) as { currentVersion?: unknown };
        return res.ok && typeof body.currentVersion === "string";
      },
      opts.startTimeoutMs ?? 60_000,
    );
    const stop = await settleStart(
      "Etherpad",
      { child, unregister, logFile, error },
      {
        graceMs: 5000,
        mayRetry: opts.port === undefined && attempt < 3,
        portTaken: /EADDRINUSE/,
        cleanup: cleanupStorage,
        giveUp: async () => {
          if (perRunDb) await perRunDb.drop();
        },
      },
    );
    if (stop === "retry") continue;
    return { url, apiKey, port, logFile, dataDir, db, stop };
  }
}
