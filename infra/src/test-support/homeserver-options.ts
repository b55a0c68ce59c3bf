/**
 * The homeserver options both homeserver tests render (pure and started by Synapse), and the
 * local Synapse the started ones run.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderHomeserverYaml, type HomeserverOptions } from "../render/homeserver";
import { ATRIUM_NAMES, renderRegistrationYaml } from "../render/registration";
import { runProgram, startProgram, type Running } from "./process";
import { synapsePython } from "./synapse-python";

export const secrets = {
  turn: "turn-secret-for-the-homeserver-test",
  registration: "registration-secret-for-the-test",
  asToken: "as-token-for-the-homeserver-test-0",
  hsToken: "hs-token-for-the-homeserver-test-0",
};

export function homeserverOptions(dir: string, port: number): HomeserverOptions {
  return {
    serverName: "example.org",
    publicBaseUrl: `http://127.0.0.1:${port}/`,
    listener: { port, bindAddresses: ["127.0.0.1"] },
    database: { kind: "sqlite", path: join(dir, "homeserver.db") },
    paths: {
      signingKey: join(dir, "signing.key"),
      mediaStore: join(dir, "media"),
      registrations: [join(dir, "atrium-registration.yaml")],
    },
    turn: { uris: ["turn:turn.example.org:3478?transport=udp"], sharedSecret: secrets.turn },
    registrationSharedSecret: secrets.registration,
    macaroonSecretKey: "macaroon-secret-key-for-the-test",
    formSecret: "form-secret-for-the-homeserver-test",
  };
}

/** Atrium's registration as both homeserver tests give it to Synapse, pointing at `url`. */
export function testRegistrationYaml(url: string, calls = false): string {
  return renderRegistrationYaml({
    ...ATRIUM_NAMES,
    url,
    asToken: secrets.asToken,
    hsToken: secrets.hsToken,
    domain: "example.org",
    ...(calls ? { calls: true } : {}),
  });
}

/**
 * Writes homeserver.yaml (`opts`) and `registrationYaml` into `dir`, generates the keys, checks
 * that Synapse parses the config, starts it and waits until it answers /health.
 */
export async function startLocalSynapse(
  dir: string,
  opts: HomeserverOptions,
  registrationYaml: string,
): Promise<Running> {
  const python = synapsePython();
  const file = join(dir, "homeserver.yaml");
  writeFileSync(file, renderHomeserverYaml(opts));
  writeFileSync(opts.paths.registrations[0] ?? "", registrationYaml);
  const env = { ...process.env, PYTHONUNBUFFERED: "1" };
  const keys = await runProgram(
    python,
    ["-m", "synapse.app.homeserver", "-c", file, "--generate-missing-configs"],
    { env },
  );
  expect(keys.code).toBe(0);
  const check = await runProgram(python, ["-m", "synapse.config", "-c", file], { env });
  expect(check.stdout).toContain("Config parses OK!");
  const synapse = await startProgram(
    python,
    ["-m", "synapse.app.homeserver", "-c", file],
    /Synapse now listening on TCP port|Started sending|Reactor running/,
    { env, timeoutMs: 60000 },
  );
  await waitForHttp(`http://127.0.0.1:${opts.listener.port}/health`);
  return synapse;
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}
