/**
 * The appservice CLI as an operator meets it (matrix-appservice-bridge's Cli conventions):
 * `-r` writes a registration, bad config and token-less registrations are refused with
 * every problem named.
 */
import { spawnSync } from "node:child_process";
import * as net from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { APPSERVICE_MAIN } from "../harness/appservice-process";
import { freePort } from "../harness/process-utils";

const sample = path.resolve(__dirname, "../../../services/appservice/config.sample.yaml");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "atrium-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `value` as YAML into the test's folder; returns the path. */
function yamlFile(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify(value));
  return file;
}

const registration = (tokens: Record<string, string>) =>
  yamlFile("registration.yaml", {
    id: "atrium",
    url: "http://x",
    sender_localpart: "atrium",
    namespaces: {},
    ...tokens,
  });

function cli(...args: string[]) {
  return spawnSync(process.execPath, [APPSERVICE_MAIN, ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });
}

it("-r writes a registration with fresh tokens and exclusive namespaces", () => {
  const file = path.join(dir, "registration.yaml");
  const run = cli("-r", "-u", "http://atrium:9000", "-c", sample, "-f", file);
  expect(run.status).toBe(0);
  const reg = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  expect(reg).toMatchObject({
    id: "atrium",
    url: "http://atrium:9000",
    sender_localpart: "atrium_appservice",
    "io.element.msc4190": true,
    namespaces: {
      users: [
        { exclusive: true, regex: "@atrium:example\\.org" },
        { exclusive: true, regex: "@atrium_.*:example\\.org" },
      ],
      aliases: [
        { exclusive: true, regex: "#pad_.*:example\\.org" },
        { exclusive: true, regex: "#meet_.*:example\\.org" },
      ],
    },
  });
  expect(reg.as_token).toMatch(/^[0-9a-f]{64}$/);
  expect(reg.hs_token).toMatch(/^[0-9a-f]{64}$/);
  expect(reg.as_token).not.toBe(reg.hs_token);
  const again = path.join(dir, "again.yaml");
  cli("-r", "-u", "http://atrium:9000", "-c", sample, "-f", again);
  expect((parse(readFileSync(again, "utf8")) as { as_token: string }).as_token).not.toBe(
    reg.as_token,
  );
});

it("refuses a config with problems, naming every one with its path", () => {
  const config = yamlFile("config.yaml", {
    homeserver: { url: "nope", domain: "example.org" },
    etherpad: {},
    jitsi: {},
  });
  const run = cli("-c", config, "-f", registration({ as_token: "a", hs_token: "b" }));
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/homeserver\.url: not a valid URL/);
  expect(run.stderr).toMatch(/web: Required/);
  expect(run.stderr).toMatch(/etherpad\.url: Required/);
  expect(run.stderr).toMatch(/etherpad\.apiKey: Required/);
  expect(run.stderr).toMatch(/jitsi\.domain: Required/);
});

it("refuses to start without tokens in the registration", () => {
  const run = cli("-c", sample, "-f", registration({ as_token: "" }));
  expect(run.status).toBe(1);
  expect(`${run.stdout}${run.stderr}`).toMatch(
    /registration file lacks (as_token, hs_token|hs_token, as_token)/,
  );
});

it.each([["appservice"], ["web"]] as const)(
  "refuses to start when the %s port is busy, naming the config key",
  async (which) => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const config = parse(readFileSync(sample, "utf8")) as Record<string, Record<string, unknown>>;
      config.database = { engine: "sqlite", filename: path.join(dir, "atrium.db") };
      config.encryption = { ...config.encryption, storePath: path.join(dir, "crypto.sqlite") };
      const other = await freePort();
      config.appservice = { port: which === "appservice" ? port : other, bindAddress: "127.0.0.1" };
      config.web = {
        ...config.web,
        port: which === "web" ? port : other,
        bindAddress: "127.0.0.1",
      };
      const configPath = path.join(dir, "config.yaml");
      writeFileSync(configPath, stringify(config));
      const reg = path.join(dir, "registration.yaml");
      expect(cli("-r", "-u", "http://127.0.0.1:1", "-c", configPath, "-f", reg).status).toBe(0);
      const run = cli("-c", configPath, "-f", reg);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${which}.port: 127.0.0.1:${port} is already in use`);
    } finally {
      busy.close();
    }
  },
);
