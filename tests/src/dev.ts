/**
 * `pnpm dev`: a local stack on loopback (Synapse on SQLite, Etherpad), data kept in
 * `.atrium/dev/` at the repository root so a restart keeps users and rooms. Writes
 * `.atrium/dev/stack.json`, prints the URLs and the demo login, and stops everything on
 * SIGINT/SIGTERM.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { buildRegistration } from "@atrium/appservice/dist/registration";
import { parseConfig } from "@atrium/appservice/dist/config/load";
import type { AtriumConfigInput } from "@atrium/appservice/dist/config/schema";
import { randomToken } from "./harness/appservice-registration";
import { startAppserviceProcess, type AppserviceProcess } from "./harness/appservice-process";
import { isPortBusy } from "./harness/process-utils";
import { startStack, writeStackJson, type StackHandle, type StackInfo } from "./harness/stack";
import { ensureUser } from "./harness/users";
import { startFrontDoor } from "./harness/front-door";
import { devElementConfig, elementWebDir, imConfigKeys } from "./dev-element";
import { startLivekitStandin } from "./harness/livekit-standin";
import { matrixRtcHomeserverConfig } from "./harness/matrixrtc-homeserver";

/**
 * The SFU websocket URL calls announce. No LiveKit server runs in the dev stack (none comes from
 * npm, PyPI or Debian): tokens are real, media cannot connect.
 */
const DEV_SFU_URL = "ws://localhost:7880";

/** Ports and places of the dev stack; the ports stay the same across restarts. */
export interface DevOptions {
  devDir: string;
  synapsePort: number;
  etherpadPort: number;
  appservicePort: number;
  /** The appservice's public listener: pad pages, OpenID exchange, /verify. */
  webPort: number;
  /** The integration manager's listener (its own origin: 127.0.0.1, not localhost). */
  imPort: number;
  /**
   * The front door (`http://localhost:<port>`): Element Web, pad pages and pads on one origin,
   * so pads open inside Element's widget over plain http (see harness/front-door.ts).
   */
  frontPort: number;
  /** An unpacked Element Web release the front door serves at `/` (`ATRIUM_ELEMENT_WEB`). */
  elementWebDir?: string;
  /** Jitsi used by conference widgets (no Jitsi runs locally). */
  jitsiDomain: string;
  /** The stand-in of the SFU's HTTP API (RoomService, webhooks) the calls talk to; default a free port. */
  sfuApiPort?: number;
}

interface DevSecrets {
  asToken: string;
  hsToken: string;
  demoPassword: string;
  verifyToken?: string;
  cryptoStorePassphrase?: string;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`atrium: ${name}="${raw}" is not a TCP port; set 1..65535 or unset it`);
  }
  return port;
}

/**
 * Defaults: `.atrium/dev` at the repo root; ports 8008, 9001, 9100, 9180, 9190 and the front
 * door's 9080 (`ATRIUM_*_PORT` override); Element Web from `ATRIUM_ELEMENT_WEB` (a folder) when
 * set; conference widgets use `ATRIUM_JITSI_DOMAIN` (default meet.jit.si: no Jitsi runs on a
 * dev machine).
 */
export async function devOptionsFromEnv(): Promise<DevOptions> {
  const elementDir = await elementWebDir(process.env.ATRIUM_ELEMENT_WEB);
  return {
    ...(elementDir ? { elementWebDir: elementDir } : {}),
    frontPort: portFromEnv("ATRIUM_FRONT_PORT", 9080),
    devDir: path.resolve(__dirname, "..", "..", ".atrium", "dev"),
    synapsePort: portFromEnv("ATRIUM_SYNAPSE_PORT", 8008),
    etherpadPort: portFromEnv("ATRIUM_ETHERPAD_PORT", 9001),
    appservicePort: portFromEnv("ATRIUM_APPSERVICE_PORT", 9100),
    webPort: portFromEnv("ATRIUM_WEB_PORT", 9180),
    imPort: portFromEnv("ATRIUM_IM_PORT", 9190),
    jitsiDomain: process.env.ATRIUM_JITSI_DOMAIN ?? "meet.jit.si",
    sfuApiPort: portFromEnv("ATRIUM_SFU_API_PORT", 9170),
  };
}

async function loadSecrets(file: string): Promise<DevSecrets> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as DevSecrets;
  } catch {
    const secrets = {
      asToken: randomToken(),
      hsToken: randomToken(),
      demoPassword: randomBytes(9).toString("base64url"),
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
    return secrets;
  }
}

/** Starts the dev stack and writes stack.json; resolves with the handle and what was written. */
export async function startDev(
  opts: DevOptions,
): Promise<{ stack: StackHandle; appservice: AppserviceProcess; info: StackInfo }> {
  for (const [what, port] of [
    ["Synapse", opts.synapsePort],
    ["Etherpad", opts.etherpadPort],
    ["APPSERVICE", opts.appservicePort],
    ["WEB", opts.webPort],
    ["IM", opts.imPort],
    ["FRONT", opts.frontPort],
  ] as const) {
    if (await isPortBusy(port)) {
      throw new Error(
        `atrium: port ${port} (for ${what.toLowerCase()}) is busy; stop what listens there or set ATRIUM_${what.toUpperCase()}_PORT`,
      );
    }
  }
  const secrets = await loadSecrets(path.join(opts.devDir, "secrets.json"));
  const serverName = "localhost";
  const appserviceUrl = `http://127.0.0.1:${opts.appservicePort}`;
  secrets.verifyToken ??= randomToken();
  // The bot's crypto store is encrypted with this; kept, so the next start opens the same store.
  secrets.cryptoStorePassphrase ??= randomToken();
  await fs.writeFile(path.join(opts.devDir, "secrets.json"), JSON.stringify(secrets), {
    mode: 0o600,
  });
  const registrationPath = path.join(opts.devDir, "registration.yaml");
  const configPath = path.join(opts.devDir, "config.yaml");
  // The registration must exist before Synapse starts; the config needs Etherpad's key, so it
  // is written once Etherpad is up.
  const hs = `http://127.0.0.1:${opts.synapsePort}`;
  // Another origin than the pad pages (localhost): Element obeys any frame on the IM's origin.
  const imOrigin = `http://127.0.0.1:${opts.imPort}`;
  // Pad pages and pads are reached through the front door, Element's origin (see front-door.ts).
  const front = `http://localhost:${opts.frontPort}`;
  // MatrixRTC calls against the SFU API stand-in (its keys are new on every start).
  if (opts.sfuApiPort !== undefined && (await isPortBusy(opts.sfuApiPort))) {
    throw new Error(
      `atrium: port ${opts.sfuApiPort} (for the SFU API stand-in) is busy; stop what listens there or set ATRIUM_SFU_API_PORT`,
    );
  }
  const sfu = await startLivekitStandin({
    ...(opts.sfuApiPort !== undefined ? { port: opts.sfuApiPort } : {}),
    apiKey: "APIatriumdev",
    apiSecret: randomToken(),
  });
  sfu.webhookUrl = `http://127.0.0.1:${opts.webPort}/atrium/rtc/webhook`;
  const configFor = (etherpadApiKey: string): AtriumConfigInput => ({
    homeserver: { url: hs, domain: serverName },
    appservice: { port: opts.appservicePort, bindAddress: "127.0.0.1" },
    web: {
      port: opts.webPort,
      bindAddress: "127.0.0.1",
      publicUrl: front,
    },
    database: { engine: "sqlite", filename: path.join(opts.devDir, "atrium.db") },
    etherpad: {
      url: `http://127.0.0.1:${opts.etherpadPort}`,
      publicUrl: front,
      apiKey: etherpadApiKey,
    },
    jitsi: { domain: opts.jitsiDomain, auth: "none", autoConference: true },
    permissions: { allowedServers: [serverName] },
    encryption: {
      storePassphrase: secrets.cryptoStorePassphrase,
      storePath: path.join(opts.devDir, "e2ee", "crypto.sqlite"),
    },
    integrationManager: {
      port: opts.imPort,
      bindAddress: "127.0.0.1",
      publicUrl: imOrigin,
    },
    calls: {
      enabled: true,
      livekit: { url: DEV_SFU_URL, apiUrl: sfu.url, apiKey: sfu.apiKey, apiSecret: sfu.apiSecret },
    },
  });
  const registrationObject = {
    ...buildRegistration(parseConfig(configFor("x".repeat(32)), "dev config"), appserviceUrl),
    as_token: secrets.asToken,
    hs_token: secrets.hsToken,
  };
  await fs.writeFile(registrationPath, stringify(registrationObject), { mode: 0o600 });
  const stack = await startStack({
    appserviceRegistrations: [registrationPath],
    synapse: {
      serverName,
      port: opts.synapsePort,
      dataDir: path.join(opts.devDir, "synapse"),
      // .well-known rtc_foci and /rtc/transports announce the calls; get_token is proxied.
      extraConfig: matrixRtcHomeserverConfig({
        sfuUrl: DEV_SFU_URL,
        livekitServiceUrl: `${front}/atrium/rtc`,
      }),
    },
    etherpad: { port: opts.etherpadPort, dataDir: path.join(opts.devDir, "etherpad") },
  });
  let appservice: AppserviceProcess | undefined;
  try {
    await fs.writeFile(configPath, stringify(configFor(stack.etherpad.apiKey)), { mode: 0o600 });
    appservice = await startAppserviceProcess({
      configPath,
      registrationPath,
      appserviceUrl,
      logFile: path.join(opts.devDir, "appservice.log"),
    });
    const demo = await ensureUser(stack.synapse, {
      username: "demo",
      password: secrets.demoPassword,
      displayname: "Demo User",
    });
    const info: StackInfo = {
      homeserverUrl: stack.synapse.url,
      serverName,
      registrationSharedSecret: stack.synapse.registrationSharedSecret,
      etherpadUrl: stack.etherpad.url,
      etherpadApiKey: stack.etherpad.apiKey,
      appserviceUrl,
      publicUrl: front,
      botUserId: `@atrium:${serverName}`,
      demoUser: { userId: demo.userId, password: secrets.demoPassword },
      integrationManager: { uiUrl: `${imOrigin}/element`, restUrl: `${imOrigin}/api` },
      calls: {
        sfuUrl: DEV_SFU_URL,
        sfuApiStandinUrl: sfu.url,
        livekitServiceUrl: `${front}/atrium/rtc`,
      },
    };
    await writeStackJson(path.join(opts.devDir, "stack.json"), info);
    const door = await startFrontDoor({
      port: opts.frontPort,
      webUrl: `http://127.0.0.1:${opts.webPort}`,
      etherpadUrl: stack.etherpad.url,
      elementConfig: devElementConfig(info, opts.jitsiDomain),
      ...(opts.elementWebDir ? { elementDir: opts.elementWebDir } : {}),
    });
    const stopStack = stack.stop.bind(stack);
    stack.stop = async () => {
      await door.close();
      await stopStack();
      await sfu.close();
    };
    return { stack, appservice, info };
  } catch (err: unknown) {
    await appservice?.stop();
    await stack.stop();
    await sfu.close();
    throw err;
  }
}

/** The config.json lines that point an Element elsewhere at the dev stack's integration manager. */
export function imConfigLines(info: StackInfo): string[] {
  return Object.entries(imConfigKeys(info)).map(
    ([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)},`,
  );
}

async function main(): Promise<void> {
  const opts = await devOptionsFromEnv();
  const { stack, appservice, info } = await startDev(opts);
  const stop = (): void => {
    console.log("\natrium dev: stopping… (data stays in .atrium/dev for the next start)");
    void appservice
      .stop()
      .then(() => stack.stop())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  console.log(
    [
      "atrium dev stack is up:",
      `  homeserver  ${info.homeserverUrl}  (server name ${info.serverName})`,
      `  etherpad    ${info.etherpadUrl}`,
      `  atrium      ${info.appserviceUrl} (appservice API), ${info.publicUrl}/atrium (pad pages)`,
      `  element     ${info.publicUrl} ${opts.elementWebDir ? `(Element Web from ${opts.elementWebDir}, pads open inside widgets)` : "(set ATRIUM_ELEMENT_WEB to an unpacked Element Web release to serve it here)"}`,
      `  integration ${info.integrationManager?.uiUrl ?? "-"} (UI), ${info.integrationManager?.restUrl ?? "-"} (API)`,
      `  bot         ${info.botUserId}`,
      `  demo login  ${info.demoUser.userId} / ${info.demoUser.password}`,
      `  details     ${path.join(opts.devDir, "stack.json")} (secrets, mode 0600)`,
      `  logs        ${stack.synapse.logFile}, ${stack.etherpad.logFile}, ${appservice.logFile}`,
      "",
      "Connect a Matrix client (e.g. Element Desktop, or any client that accepts an http",
      `homeserver) to ${info.homeserverUrl}, log in as "demo" with the password above, create a`,
      `room, invite ${info.botUserId}, give it power level 50 and send \`!help\`, \`!pad notes\``,
      "or `!meet --force`. Or join #pad_ideas:localhost to get a room with a pad.",
      "Encrypted rooms work the same: in Element make the room private (encrypted), invite the",
      "bot and type `!pad notes`; it reads the command and its reply is encrypted too.",
      `Conference widgets use ${opts.jitsiDomain} (set ATRIUM_JITSI_DOMAIN to your Jitsi).`,
      "",
      `Calls (Element Call, Element X): Atrium is the MatrixRTC authorisation service. The SFU is a`,
      `STAND-IN of LiveKit's HTTP API on ${info.calls?.sfuApiStandinUrl ?? "-"} (rooms, removals,`,
      "webhooks): tokens, refusals and removal on leave are real, but media cannot connect — no",
      `LiveKit server runs here (${DEV_SFU_URL} is announced). Try: POST`,
      `${info.homeserverUrl}/_matrix/client/v1/rtc/livekit/get_token with a member's access token and`,
      '{"room_id": …, "slot_id": "m.call#ROOM", "member_id": "m1"}. A real deployment runs the',
      "livekit/livekit-server image that `pulumi up` provisions (README, Calls).",
      "",
      `Element Web served at ${info.publicUrl} is set up for this stack (homeserver, integration`,
      "manager) and shows pads inside their widgets: it shares the pads' origin, which plain http",
      "needs. Any other Element works too, with pads in their own tab; for its integration manager",
      "(Room info → Extensions → Add extensions) put these lines in its config.json (Element",
      "Desktop: ~/.config/Element/config.json):",
      ...imConfigLines(info).map((line) => `  ${line}`),
      "",
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
