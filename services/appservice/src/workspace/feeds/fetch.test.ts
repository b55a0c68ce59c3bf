/**
 * The fetcher against local servers on loopback: the feed server is allow-listed by exact
 * (address, port); a canary server stands for an internal target and must see no connection.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as zlib from "node:zlib";
import { createFetcher, FeedFetchError } from "./fetch";
import type { BlockedAddressError } from "./address-guard";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let feedServer: http.Server;
let canary: http.Server;
let canaryConnections = 0;
let feedPort = 0;
let canaryPort = 0;
let handler: Handler = (_req, res) => res.end();
const blocked: BlockedAddressError[] = [];

beforeAll(async () => {
  feedServer = http.createServer((req, res) => handler(req, res));
  canary = http.createServer((_req, res) => res.end("secret"));
  canary.on("connection", () => canaryConnections++);
  await new Promise<void>((r) => feedServer.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => canary.listen(0, "127.0.0.1", r));
  feedPort = (feedServer.address() as AddressInfo).port;
  canaryPort = (canary.address() as AddressInfo).port;
});

afterAll(async () => {
  feedServer.closeAllConnections();
  await new Promise((r) => feedServer.close(r));
  await new Promise((r) => canary.close(r));
});

const fetcher = () =>
  createFetcher(
    {
      timeoutMs: 1500,
      maxBytes: 1024 * 1024,
      maxRedirects: 5,
      allowList: [`127.0.0.1:${feedPort}`],
    },
    (e) => blocked.push(e),
  );
const feedUrl = (path = "/feed") => `http://127.0.0.1:${feedPort}${path}`;

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof FeedFetchError) return error;
    throw error;
  }
  throw new Error("expected the fetch to fail");
}

describe("fetching a feed", () => {
  it("sends the conditional headers and reads a 304", async () => {
    let seen: http.IncomingHttpHeaders = {};
    handler = (req, res) => {
      seen = req.headers;
      res.writeHead(304).end();
    };
    const r = await fetcher().fetch({
      url: feedUrl(),
      etag: '"v1"',
      lastModified: "Mon, 01 Jan 2024 00:00:00 GMT",
    });
    expect(r.status).toBe(304);
    expect(seen["if-none-match"]).toBe('"v1"');
    expect(seen["if-modified-since"]).toBe("Mon, 01 Jan 2024 00:00:00 GMT");
  });

  it("decompresses gzip and follows a permanent redirect on the allowed server", async () => {
    handler = (req, res) => {
      if (req.url === "/old") return void res.writeHead(301, { location: "/new" }).end();
      res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync("<rss/>"));
    };
    const r = await fetcher().fetch({ url: feedUrl("/old") });
    expect(r.body?.toString()).toBe("<rss/>");
    expect(r.movedTo).toBe(feedUrl("/new"));
  });

  it.each([
    ["the canary port on loopback", () => `http://127.0.0.1:${canaryPort}/`],
    ["localhost", () => `http://localhost:${canaryPort}/`],
    ["an IPv4-mapped IPv6 loopback", () => `http://[::ffff:7f00:1]:${canaryPort}/`],
    ["the cloud metadata address", () => "http://169.254.169.254/latest/meta-data/"],
  ])("refuses a redirect to %s without connecting", async (_name, target) => {
    const before = canaryConnections;
    handler = (_req, res) => res.writeHead(302, { location: target() }).end();
    const e = await failure(fetcher().fetch({ url: feedUrl() }));
    expect(e.kind).toBe("blocked");
    expect(canaryConnections).toBe(before);
  });

  it("refuses the canary directly, counting the block", async () => {
    const count = blocked.length;
    const e = await failure(fetcher().fetch({ url: `http://127.0.0.1:${canaryPort}/` }));
    expect(e.kind).toBe("blocked");
    expect(blocked.length).toBe(count + 1);
    expect(canaryConnections).toBe(0);
  });

  it("stops a gzip bomb at the size limit after decompression", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024));
    handler = (_req, res) => res.writeHead(200, { "content-encoding": "gzip" }).end(bomb);
    expect((await failure(fetcher().fetch({ url: feedUrl() }))).kind).toBe("too-large");
  });

  it("stops a large plain body at the size limit", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 50 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 50 * 1024 * 1024) res.once("drain", pump);
        else res.end();
      };
      pump();
    };
    expect((await failure(fetcher().fetch({ url: feedUrl() }))).kind).toBe("too-large");
  });

  it("cuts a slow drip at the deadline", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("<"), 100);
      res.on("close", () => clearInterval(timer));
    };
    const started = Date.now();
    expect((await failure(fetcher().fetch({ url: feedUrl() }))).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("refuses other schemes and too many redirects", async () => {
    expect((await failure(fetcher().fetch({ url: "file:///etc/passwd" }))).kind).toBe("scheme");
    handler = (_req, res) => res.writeHead(302, { location: "/again" }).end();
    expect((await failure(fetcher().fetch({ url: feedUrl() }))).kind).toBe("redirects");
  });
});
