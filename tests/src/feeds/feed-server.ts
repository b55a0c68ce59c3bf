/**
 * A scripted feed server on loopback for the feed tests, and a canary server that stands for
 * an internal target: the appservice must never connect to it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Script {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Answers 304 when the request's If-None-Match equals this ETag. */
  etag?: string;
  /** Writes the body one byte every 200 ms (a slow drip). */
  drip?: boolean;
  /** Answers only once this settles (a server that takes its time, for as long as a test says). */
  hold?: Promise<void>;
}

export interface LoggedRequest {
  path: string;
  at: number;
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface FeedServer {
  port: number;
  url(path: string): string;
  set(path: string, script: Script | ((n: number) => Script)): void;
  requests(path: string): LoggedRequest[];
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const scripts = new Map<string, Script | ((n: number) => Script)>();
  const log: LoggedRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const entry = scripts.get(path);
    const n = log.filter((r) => r.path === path).length;
    const script: Script = typeof entry === "function" ? entry(n) : (entry ?? { status: 404 });
    let status = script.status ?? 200;
    if (script.etag && req.headers["if-none-match"] === script.etag) status = 304;
    log.push({ path, at: Date.now(), headers: req.headers, status });
    if (script.hold) {
      const held = script.hold;
      void held.then(() => answer(res, status, script));
      return;
    }
    answer(res, status, script);
  });
  const answer = (res: http.ServerResponse, status: number, script: Script) => {
    const headers = { ...(script.etag ? { etag: script.etag } : {}), ...script.headers };
    res.writeHead(status, headers);
    if (status === 304 || !script.body) return void res.end();
    if (script.drip) {
      const body = Buffer.from(script.body);
      let i = 0;
      const timer = setInterval(() => {
        if (i >= body.length) {
          clearInterval(timer);
          res.end();
        } else res.write(body.subarray(i, ++i));
      }, 200);
      res.on("close", () => clearInterval(timer));
      return;
    }
    res.end(script.body);
  };
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, script) => void scripts.set(path, script),
    requests: (path) => log.filter((r) => r.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Canary {
  port: number;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  let connections = 0;
  const server = http.createServer((_req, res) => res.end("internal secret"));
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** An RSS 2.0 document with the given entries (newest first). */
export function rss(
  title: string,
  items: Array<{ guid?: string; title: string; link?: string; description?: string; date?: Date }>,
): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${esc(title)}</title><link>https://example.org/</link><description>test</description>
${items
  .map(
    (i) =>
      `<item><title>${esc(i.title)}</title>${i.link ? `<link>${esc(i.link)}</link>` : ""}${
        i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ""
      }${i.date ? `<pubDate>${i.date.toUTCString()}</pubDate>` : ""}<description>${esc(
        i.description ?? `About ${i.title}`,
      )}</description></item>`,
  )
  .join("\n")}
</channel></rss>`;
}
