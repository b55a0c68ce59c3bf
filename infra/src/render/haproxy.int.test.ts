import { writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { ROUTER_HOSTS } from "../test-support/edge";
import { freePort, runProgram, startProgram, tempDir, type Running } from "../test-support/process";
import { WORKER_TYPES } from "../synapse-workers";
import { ETHERPAD_PUBLIC_PATHS } from "./caddyfile";
import { renderHaproxyConfig, ROUTER_HEALTH_PATH, type RouterOptions } from "./haproxy";
import { renderJitsiWellKnown, renderWellKnownClient, renderWellKnownServer } from "./well-known";

// The router config loaded by a real HAProxy (Debian's; the image pins 3.2, whose syntax for
// everything used here is the same), with loopback servers standing in for the pods.

const servers: Server[] = [];
let haproxy: Running;
let base: string;
let deadPort: number;

/** An HTTP server that answers every request with its own name. */
async function upstream(name: string): Promise<{ host: string; port: number }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    res.setHeader("x-upstream", name);
    res.end(req.url === "/health" ? "ok" : name);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  servers.push(server);
  return { host: "127.0.0.1", port };
}

/** A GET with its own Host header (fetch does not let a caller set one). */
function get(
  host: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; upstream: string | null; body: string; cors: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { ...headers, host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          upstream: (res.headers["x-upstream"] as string | undefined) ?? null,
          body,
          cors: (res.headers["access-control-allow-origin"] as string | undefined) ?? null,
        }),
      );
    });
    req.once("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  const dir = tempDir("haproxy");
  const port = await freePort();
  deadPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  const options: RouterOptions = {
    port,
    hosts: ROUTER_HOSTS,
    wellKnown: {
      server: renderWellKnownServer("matrix.example.org"),
      client: renderWellKnownClient({
        homeserverUrl: "https://matrix.example.org",
        jitsiDomain: "meet.example.org",
        livekitServiceUrl: "https://pad.example.org/atrium/rtc",
      }),
      jitsi: renderJitsiWellKnown("matrix"),
    },
    synapseMain: { kind: "static", servers: [await upstream("main")] },
    pools: [
      {
        name: "synapse-synchrotron",
        ...WORKER_TYPES.synchrotron,
        servers: { kind: "static", servers: [await upstream("sync-0"), await upstream("sync-1")] },
      },
      {
        name: "synapse-event-creator",
        ...WORKER_TYPES["event-creator"],
        servers: { kind: "static", servers: [await upstream("creator-0")] },
      },
      {
        name: "synapse-client-reader",
        ...WORKER_TYPES["client-reader"],
        // Nobody listens: the pool has no healthy server, so main serves its paths.
        servers: { kind: "static", servers: [{ host: "127.0.0.1", port: deadPort }] },
      },
    ],
    etherpad: { kind: "static", servers: [await upstream("etherpad")] },
    appserviceWeb: { kind: "static", servers: [await upstream("appservice-web")] },
    etherpadPaths: ETHERPAD_PUBLIC_PATHS,
    dns: false,
  };
  const file = join(dir, "haproxy.cfg");
  writeFileSync(file, renderHaproxyConfig(options));
  const check = await runProgram("haproxy", ["-c", "-f", file]);
  expect([check.code, check.stdout + check.stderr]).toEqual([0, expect.any(String)]);
  haproxy = await startProgram("haproxy", ["-db", "-f", file], /./, { timeoutMs: 10000 });
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`${base}${ROUTER_HEALTH_PATH}`).then(
      (r) => r.ok,
      () => false,
    );
    // Health checks need a moment to mark the dead pool down (fall 3, inter 5 s is too slow
    // for a test, so wait until the fallback is visible).
    if (
      ok &&
      (await get("matrix.example.org", "/_matrix/client/v3/joined_rooms")).upstream === "main"
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`haproxy never routed as expected:\n${haproxy.output()}`);
}, 60000);

afterAll(async () => {
  await haproxy?.stop();
  for (const s of servers) s.close();
});

it("passes haproxy -c (checked in beforeAll) and answers its health URI", async () => {
  expect((await fetch(`${base}${ROUTER_HEALTH_PATH}`)).status).toBe(200);
});

it("keeps a token's /sync on one synchrotron and spreads tokens over both", async () => {
  const seen = new Set<string | null>();
  for (let t = 0; t < 12; t++) {
    const headers = { authorization: `Bearer token-${t}` };
    const first = await get("matrix.example.org", "/_matrix/client/v3/sync?timeout=0", headers);
    for (let again = 0; again < 3; again++) {
      const next = await get("matrix.example.org", "/_matrix/client/v3/sync", headers);
      expect(next.upstream).toBe(first.upstream);
    }
    seen.add(first.upstream);
  }
  expect([...seen].sort()).toEqual(["sync-0", "sync-1"]);
  // A token in the query string is hashed the same way.
  const q = await get("matrix.example.org", "/_matrix/client/v3/sync?access_token=abc");
  expect(["sync-0", "sync-1"]).toContain(q.upstream);
});

it.each([
  ["/_matrix/client/v3/rooms/!r:example.org/send/m.room.message/1", "creator-0"],
  ["/_matrix/client/v3/createRoom", "creator-0"],
  ["/_matrix/client/v3/joined_rooms", "main"],
  ["/_matrix/client/v3/login", "main"],
  ["/_matrix/federation/v1/send/123", "main"],
  ["/_synapse/client/pick_username", "main"],
])("sends %s to %s", async (path, expected) => {
  expect((await get("matrix.example.org", path)).upstream).toBe(expected);
});

it("answers 404 for the admin API and anything unrouted", async () => {
  expect((await get("matrix.example.org", "/_synapse/admin/v1/users")).status).toBe(404);
  expect((await get("matrix.example.org", "/_synapse/admin")).status).toBe(404);
  expect((await get("matrix.example.org", "/")).status).toBe(404);
  expect((await get("other.example.net", "/_matrix/client/versions")).status).toBe(404);
});

it("serves the well-known documents itself, with CORS", async () => {
  const server = await get("example.org", "/.well-known/matrix/server");
  expect(server.cors).toBe("*");
  expect(JSON.parse(server.body)).toEqual({ "m.server": "matrix.example.org:443" });
  const client = await get("example.org", "/.well-known/matrix/client");
  expect(JSON.parse(client.body)).toEqual(
    expect.objectContaining({ "m.homeserver": { base_url: "https://matrix.example.org" } }),
  );
  // The MatrixRTC focus, for clients that do not ask their homeserver for rtc/transports yet.
  expect(client.cors).toBe("*");
  expect(JSON.parse(client.body)).toEqual(
    expect.objectContaining({
      "org.matrix.msc4143.rtc_foci": [
        { type: "livekit", livekit_service_url: "https://pad.example.org/atrium/rtc" },
      ],
    }),
  );
  const jitsi = await get("meet.example.org", "/.well-known/element/jitsi");
  expect(JSON.parse(jitsi.body)).toEqual({ auth: "openidtoken-jwt" });
});

it("lets only a pad page's paths through to Etherpad, and /atrium/ to the appservice", async () => {
  for (const path of ["/p/g.abc$minutes", "/static/js/x.js", "/locales.json", "/socket.io/?EIO=4"])
    expect([path, (await get("pad.example.org", path)).upstream]).toEqual([path, "etherpad"]);
  for (const path of ["/api/1/createPad", "/rest/1/listAllPads", "/admin", "/stats", "/"])
    expect([path, (await get("pad.example.org", path)).status]).toEqual([path, 404]);
  expect((await get("pad.example.org", "/atrium/pad/x")).upstream).toBe("appservice-web");
  // Calls: the legacy token route is public, the SFU's webhook is not.
  expect((await get("pad.example.org", "/atrium/rtc/sfu/get")).upstream).toBe("appservice-web");
  expect((await get("pad.example.org", "/atrium/rtc/webhook")).status).toBe(404);
});
