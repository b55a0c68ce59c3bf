import { writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { freePort, runProgram, startProgram, tempDir, type Running } from "../test-support/process";
import { renderCaddyfile, type CaddyfileOptions } from "./caddyfile";
import { renderJitsiWellKnown, renderWellKnownClient, renderWellKnownServer } from "./well-known";

const base = (upstreams: CaddyfileOptions["upstreams"]): CaddyfileOptions => ({
  acmeEmail: "admin@example.org",
  domain: "example.org",
  homeserverDomain: "matrix.example.org",
  jitsiDomain: "meet.example.org",
  padDomain: "pad.example.org",
  elementDomain: "element.example.org",
  upstreams,
  wellKnown: {
    server: renderWellKnownServer("matrix.example.org"),
    client: renderWellKnownClient({
      homeserverUrl: "https://matrix.example.org",
      jitsiDomain: "meet.example.org",
    }),
    jitsi: renderJitsiWellKnown("matrix"),
  },
});

const containerUpstreams = {
  synapse: "synapse:8008",
  jitsiWeb: "jitsi-web:8000",
  etherpad: "etherpad:9001",
  appserviceWeb: "atrium-appservice:9001",
  elementWeb: "element-web:80",
};

function caddyEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
}

describe("Caddyfile loaded by Debian's caddy", () => {
  it.each([
    ["separate homeserver host", base(containerUpstreams)],
    [
      "homeserver on the server name",
      { ...base(containerUpstreams), homeserverDomain: "example.org" },
    ],
    ["without Element", { ...base(containerUpstreams), elementDomain: undefined }],
  ])("adapts and validates (%s)", async (_name, options) => {
    const dir = tempDir("caddy");
    const file = join(dir, "Caddyfile");
    writeFileSync(file, renderCaddyfile(options));
    const adapted = await runProgram(
      "caddy",
      ["adapt", "--config", file, "--adapter", "caddyfile"],
      {
        env: caddyEnv(dir),
      },
    );
    expect(adapted.stderr).not.toMatch(/Error/);
    expect(adapted.code).toBe(0);
    const json = JSON.parse(adapted.stdout) as { apps: { http: unknown; tls: unknown } };
    expect(JSON.stringify(json.apps.tls)).toContain("admin@example.org");
    const validated = await runProgram(
      "caddy",
      ["validate", "--config", file, "--adapter", "caddyfile"],
      { env: caddyEnv(dir) },
    );
    expect(validated.code).toBe(0);
  });
});

describe("Caddyfile routes, served by a real caddy over plain HTTP on loopback", () => {
  let caddy: Running;
  let servers: Server[] = [];
  let port: number;

  beforeAll(async () => {
    // Stand-in upstreams answer with their own name and the path they received.
    const names = ["synapse", "jitsiWeb", "etherpad", "appserviceWeb", "elementWeb"] as const;
    const ports = await Promise.all(names.map(() => freePort()));
    servers = ports.map((p, i) =>
      createServer((req, res) => res.end(`${names[i]} ${req.url ?? ""}`)).listen(p, "127.0.0.1"),
    );
    const at = (i: number): string => `127.0.0.1:${ports[i]}`;
    port = await freePort();
    const dir = tempDir("caddy-run");
    const file = join(dir, "Caddyfile");
    writeFileSync(
      file,
      renderCaddyfile({
        ...base({
          synapse: at(0),
          jitsiWeb: at(1),
          etherpad: at(2),
          appserviceWeb: at(3),
          elementWeb: at(4),
        }),
        plainHttpPort: port,
      }),
    );
    caddy = await startProgram(
      "caddy",
      ["run", "--config", file, "--adapter", "caddyfile"],
      /serving initial configuration/,
      { env: caddyEnv(dir) },
    );
  }, 20000);

  afterAll(async () => {
    await caddy?.stop();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  function get(
    host: string,
    path: string,
  ): Promise<{ status: number; body: string; cors?: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, headers: { Host: host } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            cors: res.headers["access-control-allow-origin"] as string | undefined,
          }),
        );
      });
      req.on("error", reject);
      req.end();
    });
  }

  it.each([
    ["example.org", "/.well-known/matrix/server", 200, '{"m.server":"matrix.example.org:443"}'],
    ["example.org", "/.well-known/matrix/client", 200, '"preferredDomain":"meet.example.org"'],
    ["meet.example.org", "/.well-known/element/jitsi", 200, '{"auth":"openidtoken-jwt"}'],
  ])("%s%s is JSON with CORS", async (host, path, status, body) => {
    const res = await get(host, path);
    expect(res.status).toBe(status);
    expect(res.body).toContain(body);
    expect(res.cors).toBe("*");
  });

  it.each([
    ["matrix.example.org", "/_matrix/client/versions", 200, "synapse /_matrix/client/versions"],
    [
      "matrix.example.org",
      "/_synapse/client/rendezvous",
      200,
      "synapse /_synapse/client/rendezvous",
    ],
    ["matrix.example.org", "/_synapse/admin/v1/users", 404, ""],
    ["matrix.example.org", "/_synapse/admin", 404, ""],
    ["example.org", "/_matrix/client/versions", 404, ""],
    ["meet.example.org", "/somemeeting", 200, "jitsiWeb /somemeeting"],
    ["pad.example.org", "/p/g.abc$minutes", 200, "etherpad /p/g.abc$minutes"],
    ["pad.example.org", "/socket.io/?EIO=4", 200, "etherpad /socket.io/?EIO=4"],
    ["pad.example.org", "/atrium/pad/open", 200, "appserviceWeb /atrium/pad/open"],
    ["pad.example.org", "/api", 404, ""],
    ["pad.example.org", "/api/1.3.0/createGroup?apikey=x", 404, ""],
    ["pad.example.org", "/admin/plugins", 404, ""],
    ["pad.example.org", "/verify/user_in_room", 200, "etherpad /verify/user_in_room"],
    ["element.example.org", "/config.json", 200, "elementWeb /config.json"],
  ])("%s%s → %i %s", async (host, path, status, body) => {
    const res = await get(host, path);
    expect(res.status).toBe(status);
    expect(res.body).toBe(body);
  });
});
