/**
 * Unit-test stub of Etherpad's HTTP API on 127.0.0.1:<random port>. It answers
 * `/api/<version>/<function>` from a per-function table, and `GET /api` with a version.
 * Only for unit tests: integration tests use a real Etherpad.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What the stub does for one API function. */
export type StubReply =
  | { code: number; message?: string; data?: unknown; status?: number }
  | { hang: true }
  | { raw: string; status?: number };

export interface StubRequest {
  apiFunction: string;
  version: string;
  query: Record<string, string>;
}

export interface EtherpadStub {
  url: string;
  requests: StubRequest[];
  /** Sets the reply for a function (`"api"` is `GET /api`). */
  reply(apiFunction: string, r: StubReply): void;
  /** How many requests were closed by the client before the stub answered. */
  abortedCount(): number;
  close(): Promise<void>;
}

/** Starts a stub; the `apiKey` is checked like Etherpad does (code 4 when wrong). */
export async function startEtherpadStub(apiKey: string, currentVersion = "1.2.15") {
  const replies = new Map<string, StubReply>([
    ["api", { raw: JSON.stringify({ currentVersion }) }],
  ]);
  const requests: StubRequest[] = [];
  let aborted = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const m = /^\/api(?:\/([^/]+)\/([^/]+))?$/.exec(url.pathname);
    const apiFunction = m?.[2] ?? (m ? "api" : "");
    const query = Object.fromEntries(url.searchParams);
    requests.push({ apiFunction, version: m?.[1] ?? "", query });
    const r = replies.get(apiFunction);
    if (apiFunction !== "api" && query.apikey !== apiKey) {
      res
        .writeHead(401)
        .end(JSON.stringify({ code: 4, message: "no or wrong API Key", data: null }));
    } else if (r === undefined) {
      res.writeHead(200).end(JSON.stringify({ code: 3, message: "no such function", data: null }));
    } else if ("hang" in r) {
      req.socket.on("close", () => aborted++);
    } else if ("raw" in r) {
      res.writeHead(r.status ?? 200).end(r.raw);
    } else {
      const body = { code: r.code, message: r.message ?? "ok", data: r.data ?? null };
      res.writeHead(r.status ?? 200).end(JSON.stringify(body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stub: EtherpadStub = {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (fn, r) => void replies.set(fn, r),
    abortedCount: () => aborted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}
