/**
 * Real Chromium (Debian's /usr/bin/chromium through playwright-core) and a small local server
 * for the test client page (fixtures/), which plays the Matrix client around a widget.
 */
import { promises as fs } from "node:fs";
import http from "node:http";
import type { Duplex } from "node:stream";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { forward, forwardUpgrade } from "../harness/http-proxy";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Starts headless Chromium; set ATRIUM_CHROMIUM to use another binary. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ATRIUM_CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

export interface TestPageServer {
  /** Base URL on `localhost` (the same host as the widget page, so cookies are shared). */
  url: string;
  close(): Promise<void>;
}

const FILES: Record<string, { file: string; type: string }> = {
  "/atrium-test/client.html": {
    file: path.join(__dirname, "fixtures", "client.html"),
    type: "text/html",
  },
  "/atrium-test/client.js": {
    file: path.join(__dirname, "fixtures", "client.js"),
    type: "application/javascript",
  },
  "/atrium-test/matrix-widget-api.js": {
    file: require.resolve("matrix-widget-api/dist/api.js"),
    type: "application/javascript",
  },
};

/**
 * Serves the test client page under /atrium-test/ and passes every other request (HTTP and
 * websocket upgrades) to Etherpad, so the client page and the pads share one origin.
 *
 * Why: Etherpad 1.8.14 stores its preferences in a cookie whose SameSite is `None` when it runs
 * in a cross-origin iframe, and `None` needs `Secure`, which plain http cannot give: in a
 * cross-origin iframe over http the pad page breaks ("Cookie could not be found"). In production
 * everything is https, where that cookie is accepted; on a loopback stack the client and the pads
 * must be one origin, as here. Listens on `port` (pick it first: the appservice's
 * etherpad.publicUrl must point here).
 */
export async function startTestPageServer(
  port: number,
  etherpadUrl: string,
  /** Sees every request passed to Etherpad (HTTP and websocket upgrades), as Etherpad gets it. */
  onEtherpadRequest?: (req: http.IncomingMessage) => void,
): Promise<TestPageServer> {
  const server = http.createServer((req, res) => {
    const entry = FILES[new URL(req.url ?? "/", "http://localhost").pathname];
    if (entry) {
      fs.readFile(entry.file).then(
        (body) => res.writeHead(200, { "Content-Type": entry.type }).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
      return;
    }
    onEtherpadRequest?.(req);
    forward(req, res, etherpadUrl);
  });
  // socket.io's websocket: replayed to Etherpad.
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onEtherpadRequest?.(req);
    forwardUpgrade(req, socket, head, etherpadUrl);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
