/** Starts a real Synapse (from the cached PyPI virtualenv) on loopback for tests and `pnpm dev`. */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { generateSigningKey, renderHomeserverYaml, type SynapseDatabase } from "./homeserver-yaml";
import { ensureSynapseInstalled } from "./install-synapse";
import { createDatabase, dropDatabase, dropStaleDatabases, localPostgres } from "./postgres";
import { waitUntilAnswering } from "./process-utils";
import { attemptPort, serviceDataDir, settleStart, spawnLogged } from "./temp-service";

/** Options of {@link startSynapse}; every key is optional. */
export interface StartSynapseOptions {
  /** Matrix server name; default `localhost`. */
  serverName?: string;
  /** Absolute paths of appservice registration files to load. */
  appserviceRegistrations?: string[];
  /** SQLite (default) or a PostgreSQL database on 127.0.0.1:5432 (per-run unless named). */
  database?: { type: "sqlite" } | { type: "postgres"; database?: string };
  /** Keep data here across runs (`pnpm dev`); default: a fresh temp dir removed at stop. */
  dataDir?: string;
  /** Listener port; default: a free port picked per run. */
  port?: number;
  /** Extra top-level homeserver.yaml keys (e.g. TURN settings). */
  extraConfig?: Record<string, unknown>;
  /** How long to wait for `/health`; default 90 s. */
  startTimeoutMs?: number;
}

/** A running Synapse. */
export interface SynapseHandle {
  /** Base URL of the client and federation APIs, e.g. `http://127.0.0.1:38123`. */
  url: string;
  serverName: string;
  port: number;
  registrationSharedSecret: string;
  dataDir: string;
  logFile: string;
  /** The Synapse process (for CPU and memory figures). */
  pid: number;
  /** How long the start took, in milliseconds (until `/health` answered). */
  startMs: number;
  /** SIGTERM, SIGKILL after 10 s; drops a per-run database and removes a temp data dir. */
  stop(): Promise<void>;
}

const TEMP_PREFIX = "atrium-synapse-";

/**
 * Python prelude: Synapse exits when its stdin closes, i.e. when the Node process that started
 * it dies without cleaning up (a crashed jest worker, a SIGKILLed `pnpm dev`).
 */
const WATCHDOG = `
import os, signal, sys, threading, time, runpy
def _watch():
    while os.read(0, 4096):  # raw fd: a buffered stdin aborts at interpreter shutdown
        pass
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(10)
    os.kill(os.getpid(), signal.SIGKILL)
threading.Thread(target=_watch, daemon=True).start()
sys.argv = ["synapse.app.homeserver"] + sys.argv[1:]
runpy.run_module("synapse.app.homeserver", run_name="__main__", alter_sys=True)
`;

interface Secrets {
  registrationSharedSecret: string;
  macaroonSecretKey: string;
}

/** Secrets kept in the data dir so a persistent data dir keeps working across restarts. */
async function loadSecrets(dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, "atrium-secrets.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as Secrets;
  } catch {
    const secrets = {
      registrationSharedSecret: randomBytes(24).toString("hex"),
      macaroonSecretKey: randomBytes(24).toString("hex"),
    };
    await fs.writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
    return secrets;
  }
}

/**
 * Starts Synapse and waits until `GET /health` answers. Throws, naming the log file and quoting
 * its last 30 lines, when it does not come up within the timeout.
 */
export async function startSynapse(opts: StartSynapseOptions = {}): Promise<SynapseHandle> {
  const started = Date.now();
  const serverName = opts.serverName ?? "localhost";
  const { python } = await ensureSynapseInstalled();
  const data = await serviceDataDir(TEMP_PREFIX, opts.dataDir);
  const { dataDir } = data;
  const secrets = await loadSecrets(dataDir);
  const keyFile = path.join(dataDir, "signing.key");
  if (!(await fs.stat(keyFile).catch(() => null))) {
    await fs.writeFile(keyFile, generateSigningKey(), { mode: 0o600 });
  }

  const pg = localPostgres();
  let database: SynapseDatabase = { type: "sqlite", path: path.join(dataDir, "homeserver.db") };
  let perRunDatabase: string | null = null;
  if (opts.database?.type === "postgres") {
    if (!opts.database.database) await dropStaleDatabases(pg, "synapse");
    const name = await createDatabase(pg, "synapse", opts.database.database);
    if (!opts.database.database) perRunDatabase = name;
    database = { type: "postgres", ...pg, database: name };
  }

  const logFile = path.join(dataDir, "homeserver.log");
  const cleanupStorage = async (): Promise<void> => {
    if (perRunDatabase) await dropDatabase(pg, perRunDatabase);
    await data.remove();
  };

  for (let attempt = 1; ; attempt++) {
    const port = await attemptPort(opts.port, cleanupStorage);
    const configFile = path.join(dataDir, "homeserver.yaml");
    await fs.writeFile(
      configFile,
      renderHomeserverYaml({
        serverName,
        port,
        dataDir,
        database,
        appserviceRegistrations: opts.appserviceRegistrations,
        extra: opts.extraConfig,
        ...secrets,
      }),
      { mode: 0o600 },
    );
    const { child, unregister } = spawnLogged(python, ["-c", WATCHDOG, "-c", configFile], {
      cwd: dataDir,
      logFile,
      dataDir,
      tempPrefix: TEMP_PREFIX,
      stdin: "pipe",
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    const url = `http://127.0.0.1:${port}`;
    const error = await waitUntilAnswering(
      child,
      `${url}/health`,
      async (signal) => (await fetch(`${url}/health`, { signal })).ok,
      opts.startTimeoutMs ?? 90_000,
    );
    const stop = await settleStart(
      "Synapse",
      { child, unregister, logFile, error },
      {
        mayRetry: opts.port === undefined && attempt < 3,
        portTaken: /Address already in use/,
        cleanup: cleanupStorage,
        giveUp: async () => {
          if (perRunDatabase) await dropDatabase(pg, perRunDatabase);
        },
      },
    );
    if (stop === "retry") continue;
    return {
      url,
      serverName,
      port,
      registrationSharedSecret: secrets.registrationSharedSecret,
      dataDir,
      logFile,
      pid: child.pid ?? 0,
      startMs: Date.now() - started,
      stop,
    };
  }
}
