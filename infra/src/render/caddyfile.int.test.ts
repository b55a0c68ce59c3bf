import { writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { caddyOptions, CONTAINER_UPSTREAMS } from "../test-support/edge";
import { freePort, runProgram, startProgram, tempDir, type Running } from "../test-support/process";
import { renderCaddyfile } from "./caddyfile";

function caddyEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
}

describe("Caddyfile loaded by Debian's caddy", () => {
  it.each([
    ["separate homeserver host", caddyOptions(CONTAINER_UPSTREAMS)],
    [
      "homeserver on the server name",
      { ...caddyOptions(CONTAINER_UPSTREAMS), homeserverDomain: "example.org" },
    ],
    ["without Element", { ...caddyOptions(CONTAINER_UPSTREAMS), elementDomain: undefined }],
    [
      "without the integration manager",
      { ...caddyOptions(CONTAINER_UPSTREAMS), imDomain: undefined },
    ],
    [
      "without MatrixRTC calls (atrium:calls jitsi)",
      { ...caddyOptions(CONTAINER_UPSTREAMS), sfuDomain: undefined },
    ],
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
    const names = [
      "synapse",
      "jitsiWeb",
      "etherpad",
      "appserviceWeb",
      "elementWeb",
      "appserviceIm",
      "livekit",
    ] as const;
    const ports = await Promise.all(names.map(() => freePort()));
    servers = ports.map((p, i) =>
      createServer((req, res) => res.end(`${names[i]} ${req.url ?? ""}`)).listen(p, "127.0.0.1"),
    );
    const upstreams = Object.fromEntries(
      names.map((n, i) => [n, `127.0.0.1:${ports[i]}`]),
    ) as Record<(typeof names)[number], string>;
    port = await freePort();
    const dir = tempDir("caddy-run");
    const file = join(dir, "Caddyfile");
    writeFileSync(file, renderCaddyfile({ ...caddyOptions(upstreams), plainHttpPort: port }));
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
    method = "GET",
  ): Promise<{ status: number; body: string; cors?: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path, method, headers: { Host: host } },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body,
              cors: res.headers["access-control-allow-origin"] as string | undefined,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it.each([
    ["example.org", "/.well-known/matrix/server", 200, '{"m.server":"matrix.example.org:443"}'],
    ["example.org", "/.well-known/matrix/client", 200, '"preferredDomain":"meet.example.org"'],
    [
      "example.org",
      "/.well-known/matrix/client",
      200,
      '"m.integrations":{"managers":[{"api_url":"https://im.example.org/api","ui_url":"https://im.example.org/element"}]}',
    ],
    ["meet.example.org", "/.well-known/element/jitsi", 200, '{"auth":"openidtoken-jwt"}'],
    [
      "example.org",
      "/.well-known/matrix/client",
      200,
      '"org.matrix.msc4143.rtc_foci":[{"type":"livekit","livekit_service_url":"https://pad.example.org/atrium/rtc"}]',
    ],
  ])("%s%s is JSON with CORS", async (host, path, status, body) => {
    const res = await get(host, path);
    expect(res.status).toBe(status);
    expect(res.body).toContain(body);
    expect(res.cors).toBe("*");
  });

  // Where each site sends a path: the stand-in upstream that answers, or nothing (404).
  const routes: Record<string, [path: string, to: string | 404][]> = {
    "matrix.example.org": [
      ["/_matrix/client/versions", "synapse"],
      ["/_synapse/client/rendezvous", "synapse"],
      ["/_synapse/admin/v1/users", 404],
      ["/_synapse/admin", 404],
    ],
    "example.org": [["/_matrix/client/versions", 404]],
    "meet.example.org": [["/somemeeting", "jitsiWeb"]],
    "pad.example.org": [
      ["/atrium/pad/open", "appserviceWeb"],
      // MatrixRTC: the legacy token route public on the pad pages' origin, the SFU's webhook not.
      ["/atrium/rtc/sfu/get", "appserviceWeb"],
      ["/atrium/rtc/webhook", 404],
    ],
    "element.example.org": [["/config.json", "elementWeb"]],
    "im.example.org": [
      ["/element?room_id=!r:example.org", "appserviceIm"],
      ["/api/register?v=1.1", "appserviceIm"],
      ["/_matrix/integrations/v1/account", "appserviceIm"],
      ["/.well-known/matrix/integrations", "appserviceIm"],
    ],
    // The SFU's signalling websocket on its own host, its RoomService API private.
    "sfu.example.org": [
      ["/rtc?access_token=t", "livekit"],
      ["/rtc/v1?access_token=t", "livekit"],
      ["/rtc/validate?access_token=t", "livekit"],
      ["/twirp/livekit.RoomService/ListRooms", 404],
      ["/", 404],
    ],
  };
  it.each(
    Object.entries(routes).flatMap(([host, paths]) =>
      paths.map(([path, to]) => [host, path, to] as const),
    ),
  )("%s%s → %s", async (host, path, to) => {
    const res = await get(host, path);
    expect([res.status, res.body]).toEqual(to === 404 ? [404, ""] : [200, `${to} ${path}`]);
  });

  // What a pad page loads reaches Etherpad unchanged.
  it.each([
    "/p/g.abc$minutes",
    "/p/g.abc$minutes/timeslider",
    "/p/g.abc$minutes/export/html",
    "/padbootstrap-Ab3_x.min.js",
    "/timeSliderBootstrap-Ab3_x.min.js",
    "/static/css/pad.css",
    "/static/skins/colibris/pad.js",
    "/locales.json",
    "/locales/de.json",
    "/pluginfw/plugin-definitions.json",
    "/socket.io/?EIO=4&transport=polling",
    "/favicon.ico",
    "/robots.txt",
  ])("pad.example.org%s reaches Etherpad", async (path) => {
    const res = await get("pad.example.org", path);
    expect([res.status, res.body]).toEqual([200, `etherpad ${path}`]);
  });

  it("lets the pad's session keep-alive (PUT) through", async () => {
    const res = await get("pad.example.org", "/_extendExpressSessionLifetime", "PUT");
    expect([res.status, res.body]).toEqual([200, "etherpad /_extendExpressSessionLifetime"]);
  });

  // Etherpad 2.x serves all of these without the proxy's help; none may leave the host.
  it.each([
    "/",
    "/api",
    "/api/",
    "/API/1.3.0/createGroup?apikey=x",
    "/api/1.3.0/createGroup?apikey=x",
    "/api/2/pads",
    "/api/openapi.json",
    "/rest/openapi.json",
    "/rest/1.3.0/createGroup?apikey=x",
    "/api-docs",
    "/api-docs.json",
    "/api-docs/",
    "/stats",
    "/stats/prometheus",
    "/health",
    "/oidc/.well-known/openid-configuration",
    "/oidc/jwks",
    "/oidc/auth?client_id=x",
    "/interaction/abc",
    "/admin",
    "/admin/",
    "/admin/plugins",
    "/admin-auth/",
    "/tests/frontend/",
    "/javascript",
    "/watch/pad",
    "/jserror",
    "/verify/user_in_room",
    "/static/../api/1.3.0/listAllPads",
    "/p/../admin/",
    "/p/..%2fadmin/",
    "/pluginfw/../stats",
  ])("pad.example.org%s → 404", async (path) => {
    const res = await get("pad.example.org", path);
    expect([res.status, res.body.startsWith("etherpad")]).toEqual([404, false]);
  });
});
