/**
 * Real Chromium for the browser tests (Debian's /usr/bin/chromium through playwright-core), and
 * the small static servers their test pages come from. A file's browsers and contexts are one
 * fixture ({@link Browsers}): every context is closed before its browser, after the file.
 */
import { promises as fs } from "node:fs";
import http from "node:http";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
} from "playwright-core";
import type { WorldScope } from "./world";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Where Chromium is: set ATRIUM_CHROMIUM to use another binary. */
const executablePath = () => process.env.ATRIUM_CHROMIUM ?? "/usr/bin/chromium";

/** Starts headless Chromium with {@link CHROMIUM_ARGS} and `extraArgs`. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: executablePath(),
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** Chromium's flag that blocks third-party cookies (as Safari does by default). */
export const BLOCK_THIRD_PARTY_COOKIES = "--test-third-party-cookie-phaseout";

/**
 * A test file's Chromium: browsers it launches and contexts it opens, all closed after the
 * file (contexts first). Page errors of every page show in the test output.
 */
export class Browsers {
  private readonly browsers: Browser[] = [];
  private readonly contexts: BrowserContext[] = [];

  /**
   * Create it after the stack and the servers its pages talk to, so it is closed before they
   * stop: a server does not finish closing while a page holds a websocket to it.
   */
  constructor(scope: WorldScope) {
    scope.onStop(() => this.close());
  }

  /** Launches Chromium with `extraArgs` (see {@link launchChromium}). */
  async launch(extraArgs: string[] = []): Promise<Browser> {
    const browser = await launchChromium(extraArgs);
    this.browsers.push(browser);
    return browser;
  }

  /** A new context (its own cookie jar) on `browser`. */
  async newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
    return this.watch(await browser.newContext(options));
  }

  /**
   * A persistent context in the profile folder `profile` (Chromium's own settings there, such
   * as "Allow third-party cookies"), with `extraArgs`.
   */
  async persistentContext(profile: string, extraArgs: string[] = []): Promise<BrowserContext> {
    return this.watch(
      await chromium.launchPersistentContext(profile, {
        executablePath: executablePath(),
        args: [...CHROMIUM_ARGS, ...extraArgs],
      }),
    );
  }

  private watch(context: BrowserContext): BrowserContext {
    this.contexts.push(context);
    context.on("page", (page) =>
      page.on("pageerror", (e) => console.log(`[chromium] page error: ${e.message}`)),
    );
    return context;
  }

  private async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    for (const b of this.browsers) await b.close();
  }
}

/** A local HTTP server a test started; `close()` also ends open connections. */
export interface LocalServer {
  /** `http://localhost:<port>`. */
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * Serves `files` (URL path → file and content type) on 127.0.0.1:`port`; every other request
 * goes to `otherwise` (a 404 by default).
 */
export async function serveFiles(
  port: number,
  files: Record<string, { file: string; type: string }>,
  otherwise: http.RequestListener = (_req, res) => res.writeHead(404).end(),
): Promise<LocalServer> {
  const server = http.createServer((req, res) => {
    const entry = files[new URL(req.url ?? "/", "http://localhost").pathname];
    if (!entry) {
      otherwise(req, res);
      return;
    }
    fs.readFile(entry.file).then(
      (body) => res.writeHead(200, { "Content-Type": entry.type }).end(body),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://localhost:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
