/**
 * The dev stack's front door: one origin (`http://localhost:<port>`) for Element Web, Atrium's
 * pad pages and Etherpad, so pads open inside Element's widget on plain http.
 *
 * Why one origin: Etherpad (1.8 and 2.x) writes its own cookies `SameSite=None` when the page on
 * top is of another origin, and `Secure` only on https; browsers drop a `None` cookie without
 * `Secure`, and the pad stops ("Cookie could not be found"). Same site is not enough over http:
 * the top page must be the very origin of the pads. In production (https) Element keeps an origin
 * of its own. The integration manager stays on its own origin (Element obeys any frame there).
 *
 * Routes: `/atrium/*` to the appservice's web listener; what a pad page loads (`/p/`, `/static/`,
 * `/javascripts/`, `/socket.io/`, …) to Etherpad, never its API; `/config.json` (and Element's
 * `/config.<host>.json`) is the dev stack's Element config; anything else is a file of the
 * Element Web folder given (an unpacked Element Web release), or a page saying how to get one.
 */
import { promises as fs } from "node:fs";
import http from "node:http";
import * as path from "node:path";
import type { Duplex } from "node:stream";
import { forward, forwardUpgrade } from "./http-proxy";

/** What Etherpad 1.8.14 serves for a pad page (its API and admin pages stay out). */
export const ETHERPAD_PAD_PATHS: readonly string[] = [
  "/p/",
  "/static/",
  "/javascripts/",
  "/pluginfw/",
  "/locales/",
  "/locales.json",
  "/socket.io/",
  "/jserror",
  "/ep/pad/",
];

export interface FrontDoorOptions {
  port: number;
  /** The appservice's web listener (`http://127.0.0.1:9180`). */
  webUrl: string;
  /** Etherpad (`http://127.0.0.1:9001`). */
  etherpadUrl: string;
  /** Element's config.json, served as `/config.json`. */
  elementConfig: Record<string, unknown>;
  /** An unpacked Element Web release (the folder holding `index.html`), served at `/`. */
  elementDir?: string;
}

export interface FrontDoor {
  /** `http://localhost:<port>`. */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript",
  ".mjs": "application/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

const NO_ELEMENT = `<!doctype html><meta charset="utf-8"><title>Atrium dev</title>
<p>This is the dev stack's front door: pads and pad pages are served here. To use Element Web on
this same origin (where pads open inside the widget), unpack an Element Web release and start
<code>ATRIUM_ELEMENT_WEB=/path/to/element-vX.Y.Z ./atrium dev</code>. See the README's
"Element for the local stack".</p>\n`;

/** Serves `pathname` from `dir`, or `index.html` for `/`; null when there is no such file. */
async function fileIn(dir: string, pathname: string): Promise<string | null> {
  const relative = decodeURIComponent(pathname === "/" ? "/index.html" : pathname);
  const file = path.resolve(dir, `.${relative}`);
  if (file !== dir && !file.startsWith(`${path.resolve(dir)}${path.sep}`)) return null;
  const stat = await fs.stat(file).catch(() => null);
  return stat?.isFile() ? file : null;
}

/** Starts the front door on `127.0.0.1:<port>`. */
export async function startFrontDoor(o: FrontDoorOptions): Promise<FrontDoor> {
  const config = `${JSON.stringify(o.elementConfig, null, 2)}\n`;
  const toEtherpad = (pathname: string) =>
    ETHERPAD_PAD_PATHS.some((p) => (p.endsWith("/") ? pathname.startsWith(p) : pathname === p));
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname.startsWith("/atrium/")) return forward(req, res, o.webUrl);
    if (toEtherpad(pathname)) return forward(req, res, o.etherpadUrl);
    if (/^\/config(\.[^/]+)?\.json$/.test(pathname)) {
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      res.end(config);
      return;
    }
    const dir = o.elementDir;
    if (!dir) {
      res.writeHead(pathname === "/" ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
      res.end(NO_ELEMENT);
      return;
    }
    fileIn(dir, pathname).then(
      async (file) => {
        if (!file) {
          res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
          return;
        }
        const type = TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
        res.writeHead(200, { "Content-Type": type }).end(await fs.readFile(file));
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (toEtherpad(pathname)) forwardUpgrade(req, socket, head, o.etherpadUrl);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, "127.0.0.1", resolve);
  });
  return {
    url: `http://localhost:${o.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
