import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { join } from "node:path";
import { ROUTER_HOSTS } from "../test-support/edge";
import { freePort, runProgram, tempDir } from "../test-support/process";
import { PRIVATE_RANGES } from "../kubernetes/meta";
import { renderHaproxyConfig, ROUTER_HEALTH_PATH, type RouterOptions } from "./haproxy";

// What the router writes to its log and what it tells Synapse about the client, checked on a
// real HAProxy (issue 22 item 18): access tokens and login tickets travel in query strings, so
// the log keeps paths only; a client's own X-Forwarded-For never reaches Synapse, which trusts
// that header for rate limits and its client IP records.

let haproxy: ChildProcess;
let options: RouterOptions;
let dir: string;
/** Everything HAProxy wrote (its log goes to stdout). */
let output = "";
let upstreamServer: Server;
let port: number;
/** The headers the stand-in Synapse received, by request path. */
const seen = new Map<string, IncomingHttpHeaders>();

/** A GET from a chosen loopback source address (the "ingress controller" is 127.0.0.2). */
function get(path: string, headers: Record<string, string>, from = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        localAddress: from,
        headers: { ...headers, host: "matrix.example.org" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.once("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = tempDir("haproxy-privacy");
  port = await freePort();
  const synapsePort = await freePort();
  upstreamServer = createServer((req, res) => {
    seen.set((req.url ?? "").split("?")[0] ?? "", req.headers);
    res.end("ok");
  });
  await new Promise<void>((resolve) => upstreamServer.listen(synapsePort, "127.0.0.1", resolve));
  options = {
    port,
    hosts: ROUTER_HOSTS,
    wellKnown: { server: "{}", client: "{}", jitsi: "{}" },
    synapseMain: { kind: "static", servers: [{ host: "127.0.0.1", port: synapsePort }] },
    pools: [],
    etherpad: { kind: "static", servers: [{ host: "127.0.0.1", port: synapsePort }] },
    appserviceWeb: { kind: "static", servers: [{ host: "127.0.0.1", port: synapsePort }] },
    etherpadPaths: ["/p/*"],
    dns: false,
    // The one peer whose X-Forwarded-For is believed (the ingress controller's network).
    trustedProxies: ["127.0.0.2/32"],
  };
  const file = join(dir, "haproxy.cfg");
  writeFileSync(file, renderHaproxyConfig(options));
  const check = await runProgram("haproxy", ["-c", "-f", file]);
  expect([check.code, check.stdout + check.stderr]).toEqual([0, expect.any(String)]);
  // Started directly: a healthy router prints nothing until its first request.
  haproxy = spawn("haproxy", ["-db", "-f", file], { stdio: "pipe" });
  haproxy.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  haproxy.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}${ROUTER_HEALTH_PATH}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`haproxy never answered:\n${output}`);
}, 30000);

afterAll(async () => {
  if (haproxy !== undefined && haproxy.exitCode === null) {
    const exited = new Promise((resolve) => haproxy.once("exit", resolve));
    haproxy.kill("SIGTERM");
    await exited;
  }
  upstreamServer?.close();
});

it("logs the path of a request but never its query string", async () => {
  const secret = "syt_c2VjcmV0_AccessTokenInQuery";
  const status = await get(`/_matrix/client/v3/sync?access_token=${secret}&since=s1`, {});
  expect(status).toBe(200);
  const ticket = "ticket-0123456789abcdef";
  await get(`/_matrix/client/v3/login?loginToken=${ticket}`, {});
  // HAProxy writes a request's log line when it ends; give the pipe a moment.
  for (let i = 0; i < 20 && !output.includes("/_matrix/client/v3/login"); i++)
    await new Promise((r) => setTimeout(r, 100));
  const log = output;
  expect(log).toContain("GET /_matrix/client/v3/sync");
  expect(log).toContain("GET /_matrix/client/v3/login");
  expect(log).not.toContain(secret);
  expect(log).not.toContain(ticket);
  expect(log).not.toContain("access_token");
});

it("replaces a client's own X-Forwarded-For with the address it connected from", async () => {
  await get("/_matrix/client/v3/joined_rooms", { "x-forwarded-for": "6.6.6.6" });
  expect(seen.get("/_matrix/client/v3/joined_rooms")?.["x-forwarded-for"]).toBe("127.0.0.1");
});

it("believes only the last hop the trusted proxy added, not what the client put before it", async () => {
  await get(
    "/_matrix/client/v3/account/whoami",
    { "x-forwarded-for": "6.6.6.6, 203.0.113.7" },
    "127.0.0.2",
  );
  expect(seen.get("/_matrix/client/v3/account/whoami")?.["x-forwarded-for"]).toBe("203.0.113.7");
});

it("accepts the Kubernetes router's trusted networks (every private range, IPv4 and IPv6)", async () => {
  const file = join(dir, "kubernetes.cfg");
  writeFileSync(
    file,
    renderHaproxyConfig({
      ...options,
      trustedProxies: [...PRIVATE_RANGES.ipv4, ...PRIVATE_RANGES.ipv6],
    }),
  );
  const check = await runProgram("haproxy", ["-c", "-f", file]);
  expect([check.code, check.stdout + check.stderr]).toEqual([0, expect.any(String)]);
});
