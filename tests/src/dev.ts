/**
 * `pnpm dev`: a local stack on loopback (Synapse on SQLite, Etherpad), data kept in
 * `.atrium/dev/` at the repository root so a restart keeps users and rooms. Writes
 * `.atrium/dev/stack.json`, prints the URLs and the demo login, and stops everything on
 * SIGINT/SIGTERM.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { randomToken, writeRegistration } from "./harness/appservice-registration";
import { isPortBusy } from "./harness/process-utils";
import { startStack, writeStackJson, type StackHandle, type StackInfo } from "./harness/stack";
import { ensureUser } from "./harness/users";

/** Ports and places of the dev stack; the ports stay the same across restarts. */
export interface DevOptions {
  devDir: string;
  synapsePort: number;
  etherpadPort: number;
  appservicePort: number;
}

interface DevSecrets {
  asToken: string;
  hsToken: string;
  demoPassword: string;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`atrium: ${name}="${raw}" is not a TCP port; set 1..65535 or unset it`);
  }
  return port;
}

/** Defaults: `.atrium/dev` at the repo root; ports 8008, 9001, 9100 (`ATRIUM_*_PORT` override). */
export function devOptionsFromEnv(): DevOptions {
  return {
    devDir: path.resolve(__dirname, "..", "..", ".atrium", "dev"),
    synapsePort: portFromEnv("ATRIUM_SYNAPSE_PORT", 8008),
    etherpadPort: portFromEnv("ATRIUM_ETHERPAD_PORT", 9001),
    appservicePort: portFromEnv("ATRIUM_APPSERVICE_PORT", 9100),
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
export async function startDev(opts: DevOptions): Promise<{ stack: StackHandle; info: StackInfo }> {
  for (const [what, port] of [
    ["Synapse", opts.synapsePort],
    ["Etherpad", opts.etherpadPort],
    ["the appservice", opts.appservicePort],
  ] as const) {
    if (await isPortBusy(port)) {
      throw new Error(
        `atrium: port ${port} (for ${what}) is busy; stop what listens there or set ATRIUM_${what === "the appservice" ? "APPSERVICE" : what.toUpperCase()}_PORT`,
      );
    }
  }
  const secrets = await loadSecrets(path.join(opts.devDir, "secrets.json"));
  const serverName = "localhost";
  const appserviceUrl = `http://127.0.0.1:${opts.appservicePort}`;
  const registration = await writeRegistration(opts.devDir, {
    id: "atrium",
    url: appserviceUrl,
    asToken: secrets.asToken,
    hsToken: secrets.hsToken,
    senderLocalpart: "atrium",
    userPrefix: "_atrium_",
    aliasPrefixes: ["meet_", "pad_"],
    serverName,
  });
  const stack = await startStack({
    appserviceRegistrations: [registration],
    synapse: { serverName, port: opts.synapsePort, dataDir: path.join(opts.devDir, "synapse") },
    etherpad: { port: opts.etherpadPort, dataDir: path.join(opts.devDir, "etherpad") },
  });
  try {
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
      publicUrl: appserviceUrl,
      botUserId: `@atrium:${serverName}`,
      demoUser: { userId: demo.userId, password: secrets.demoPassword },
    };
    await writeStackJson(path.join(opts.devDir, "stack.json"), info);
    return { stack, info };
  } catch (err: unknown) {
    await stack.stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const opts = devOptionsFromEnv();
  const { stack, info } = await startDev(opts);
  const stop = (): void => {
    console.log("\natrium dev: stopping…");
    void stack.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  console.log(
    [
      "atrium dev stack is up:",
      `  homeserver  ${info.homeserverUrl}  (server name ${info.serverName})`,
      `  etherpad    ${info.etherpadUrl}`,
      `  demo login  ${info.demoUser.userId} / ${info.demoUser.password}`,
      `  details     ${path.join(opts.devDir, "stack.json")} (secrets, mode 0600)`,
      `  logs        ${stack.synapse.logFile}, ${stack.etherpad.logFile}`,
      `The Atrium appservice is not wired in yet: Synapse will queue events for ${info.appserviceUrl}.`,
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
