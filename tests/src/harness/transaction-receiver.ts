/**
 * A minimal real appservice HTTP endpoint for harness tests: it records the transactions a
 * homeserver pushes (`PUT /_matrix/app/v1/transactions/{txnId}`), checking the hs_token.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { RoomEvent } from "./matrix-client";
import { waitFor } from "./wait";

/** One transaction as received. */
export interface ReceivedTransaction {
  txnId: string;
  events: RoomEvent[];
}

/** A running receiver. */
export interface TransactionReceiver {
  /** Base URL to put in the registration's `url`. */
  url: string;
  transactions: ReceivedTransaction[];
  /** Requests refused because the Authorization header was not `Bearer <hs_token>`. */
  refused: number;
  /** `METHOD path` of every request, in order (tokens are in headers, never here). */
  requests: string[];
  /** Waits until an event matching `predicate` arrived in some transaction. */
  waitForEvent(predicate: (e: RoomEvent) => boolean, timeoutMs?: number): Promise<RoomEvent>;
  stop(): Promise<void>;
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

/** Starts the receiver on a free loopback port. */
export function startTransactionReceiver(hsToken: string): Promise<TransactionReceiver> {
  const receiver = {
    transactions: [] as ReceivedTransaction[],
    refused: 0,
    requests: [] as string[],
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      receiver.requests.push(`${req.method} ${path}`);
      if (req.headers.authorization !== `Bearer ${hsToken}`) {
        receiver.refused++;
        return reply(res, 403, { errcode: "M_FORBIDDEN", error: "bad hs_token" });
      }
      const txn = /^\/_matrix\/app\/v1\/transactions\/([^/]+)$/.exec(path);
      if (req.method === "PUT" && txn?.[1]) {
        const body = JSON.parse(raw || "{}") as { events?: RoomEvent[] };
        receiver.transactions.push({
          txnId: decodeURIComponent(txn[1]),
          events: body.events ?? [],
        });
        return reply(res, 200, {});
      }
      if (path === "/_matrix/app/v1/ping") return reply(res, 200, {});
      return reply(res, 404, {
        errcode: "M_UNRECOGNIZED",
        error: "not handled by the test receiver",
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve(
        Object.assign(receiver, {
          url: `http://127.0.0.1:${port}`,
          waitForEvent: (predicate: (e: RoomEvent) => boolean, timeoutMs = 30_000) =>
            waitFor(
              "an event in an appservice transaction",
              async () => receiver.transactions.flatMap((t) => t.events).find(predicate),
              {
                timeoutMs,
                describeLast: () =>
                  `received ${receiver.transactions.length} transactions: ${receiver.transactions
                    .flatMap((t) => t.events.map((e) => `${e.type} from ${e.sender}`))
                    .join(", ")}`,
              },
            ),
          stop: () =>
            new Promise<void>((done) => {
              server.closeAllConnections();
              server.close(() => done());
            }),
        }),
      );
    });
  });
}
