/**
 * The whole local stack for one test file: real Synapse and Etherpad, and the Atrium
 * appservice run as its own process (its CLI, as deployed), wired by a generated registration. Ports are picked per run; `stop()` ends every process.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { stringify } from "yaml";
// Deep imports: the package index also loads the bridge, which the test process never needs.
import { buildRegistration } from "@atrium/appservice/dist/registration";
import { parseConfig } from "@atrium/appservice/dist/config/load";
import type { AtriumConfig, AtriumConfigInput } from "@atrium/appservice/dist/config/schema";
import type { RegistrationLike } from "@atrium/appservice/dist/registration";
import { startAppserviceProcess, type AppserviceProcess } from "./appservice-process";
import { startSynapse, type SynapseHandle } from "./synapse";
import { startEtherpad, type EtherpadHandle } from "./etherpad";
import { registerUser, clientFor, type RegisteredUser } from "./users";
import type { MatrixClient } from "./matrix-client";
import { freePort } from "./process-utils";

export interface StartAtriumOptions {
  /** Adjusts the generated config before it is validated (e.g. jitsi.autoConference). */
  config?: (base: AtriumConfigInput) => AtriumConfigInput;
  /** Atrium's store: SQLite in the data dir (default) or a PostgreSQL URL. */
  postgresUrl?: string;
  /** Synapse's database: SQLite (default) or a per-run PostgreSQL database. */
  synapsePostgres?: boolean;
  /**
   * Top-level homeserver.yaml keys for this run (e.g. `experimental_features`), or a function of
   * the validated Atrium config (to point at its URLs).
   */
  synapseConfig?: Record<string, unknown> | ((config: AtriumConfig) => Record<string, unknown>);
}

export interface TestUser {
  user: RegisteredUser;
  client: MatrixClient;
}

export interface AtriumStack {
  synapse: SynapseHandle;
  etherpad: EtherpadHandle;
  /** The appservice process (its log file, pid). */
  atrium: AppserviceProcess;
  appserviceUrl: string;
  webUrl: string;
  /** The integration manager's origin (UI at /element/, API at /api). */
  imUrl: string;
  config: AtriumConfig;
  registration: RegistrationLike;
  dataDir: string;
  botUserId: string;
  /** Registers a user with a random suffix; returns it with a client. */
  user(name: string): Promise<TestUser>;
  /** Stops the appservice (if running) and starts it again on the same store and ports. */
  restart(): Promise<void>;
  /** Stops only the appservice: SIGTERM, or SIGKILL (a crash) with `{ crash: true }`. */
  stopAppservice(opts?: { crash?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function startAtrium(opts: StartAtriumOptions = {}): Promise<AtriumStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-stack-"));
  const [asPort, webPort, hsPort, imPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const etherpad = await startEtherpad({ requireSession: true, editOnly: true });
    started.push(etherpad);
    const base: AtriumConfigInput = {
      homeserver: { url: `http://127.0.0.1:${hsPort}`, domain: "localhost" },
      appservice: { port: asPort, bindAddress: "127.0.0.1" },
      // `localhost`, not 127.0.0.1: cookies are scoped by host, so the pad session cookie set
      // by the web listener reaches Etherpad on another port of the same host.
      web: { port: webPort, bindAddress: "127.0.0.1", publicUrl: `http://localhost:${webPort}` },
      database: opts.postgresUrl
        ? { engine: "postgres", connectionString: opts.postgresUrl }
        : { engine: "sqlite", filename: path.join(dataDir, "atrium.db") },
      etherpad: {
        url: etherpad.url,
        publicUrl: etherpad.url.replace("127.0.0.1", "localhost"),
        apiKey: etherpad.apiKey,
        timeoutMs: 5000,
      },
      jitsi: {
        domain: "meet.example.org",
        auth: "matrix",
        verifyToken: randomBytes(24).toString("hex"),
      },
      // The integration manager on an origin of its own (127.0.0.1, not localhost).
      integrationManager: {
        port: imPort,
        bindAddress: "127.0.0.1",
        publicUrl: `http://127.0.0.1:${imPort}`,
      },
      // The bot's crypto store in the data dir, so restart() and a crash keep its keys.
      encryption: {
        storePassphrase: randomBytes(24).toString("hex"),
        storePath: path.join(dataDir, "e2ee", "crypto.sqlite"),
      },
      logging: { level: (process.env.ATRIUM_TEST_LOG as "info" | undefined) ?? "info" },
    };
    const config = parseConfig(opts.config ? opts.config(base) : base, "test config");
    const registration = buildRegistration(config, `http://127.0.0.1:${asPort}`);
    const registrationPath = path.join(dataDir, "registration.yaml");
    await fs.writeFile(registrationPath, stringify(registration));
    const configPath = path.join(dataDir, "config.yaml");
    await fs.writeFile(configPath, stringify(opts.config ? opts.config(base) : base));
    const synapse = await startSynapse({
      port: hsPort,
      appserviceRegistrations: [registrationPath],
      ...(opts.synapsePostgres ? { database: { type: "postgres" as const } } : {}),
      ...(opts.synapseConfig
        ? {
            extraConfig:
              typeof opts.synapseConfig === "function"
                ? opts.synapseConfig(config)
                : opts.synapseConfig,
          }
        : {}),
    });
    started.push(synapse);
    const appserviceUrl = `http://127.0.0.1:${asPort}`;
    const launch = () =>
      startAppserviceProcess({
        configPath,
        registrationPath,
        appserviceUrl,
        logFile: path.join(dataDir, "appservice.log"),
      });
    let atrium: AppserviceProcess | null = await launch();
    let counter = 0;
    const stack: AtriumStack = {
      synapse,
      etherpad,
      get atrium() {
        if (!atrium) throw new Error("the appservice is stopped; call restart()");
        return atrium;
      },
      appserviceUrl,
      webUrl: `http://127.0.0.1:${webPort}`,
      imUrl: `http://127.0.0.1:${imPort}`,
      config,
      registration,
      dataDir,
      botUserId: `@${config.bot.localpart}:${config.homeserver.domain}`,
      async user(name: string) {
        const username = `${name}${++counter}${randomBytes(3).toString("hex")}`.toLowerCase();
        const user = await registerUser(synapse, { username, displayname: name });
        return { user, client: clientFor(synapse.url, user) };
      },
      async stopAppservice(o = {}) {
        if (o.crash) await atrium?.kill();
        else await atrium?.stop();
        atrium = null;
      },
      async restart() {
        await atrium?.stop();
        atrium = await launch();
      },
      async stop() {
        await atrium?.stop();
        atrium = null;
        for (const s of started.reverse()) await s.stop();
        // ATRIUM_KEEP_DATA=1 keeps config, store and appservice.log for a post-mortem.
        if (!process.env.ATRIUM_KEEP_DATA) await fs.rm(dataDir, { recursive: true, force: true });
      },
    };
    return stack;
  } catch (error: unknown) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
