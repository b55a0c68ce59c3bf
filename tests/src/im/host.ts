/**
 * The test host: a page that plays Element's side of the integration manager (fixtures/host.js),
 * served from its own origin (`http://localhost:<port>`; the IM is on `http://127.0.0.1:<port>`),
 * and the way a test opens it in Chromium for one user.
 */
import * as path from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import type { AtriumStack, TestUser } from "../harness/atrium";
import { MatrixError } from "../harness/matrix-error";
import { freePort } from "../harness/process-utils";
import { serveFiles, type Browsers, type LocalServer } from "../harness/chromium";

const fixture = (file: string, type: string) => ({
  file: path.join(__dirname, "fixtures", file),
  type,
});

const FILES: Record<string, { file: string; type: string }> = {
  "/im-host/host.html": fixture("host.html", "text/html"),
  "/im-host/host.js": fixture("host.js", "application/javascript"),
  "/im-host/host.css": fixture("host.css", "text/css"),
};

/** `http://localhost:<port>`: another origin than the IM's. */
export type HostServer = LocalServer;

/** Serves the host page's three files. */
export async function startHostServer(): Promise<HostServer> {
  return serveFiles(await freePort(), FILES);
}

export interface OpenOptions {
  roomId: string;
  roomName?: string;
  theme?: string;
  screen?: string;
  integId?: string;
  width?: number;
  height?: number;
}

export interface OpenedIm {
  page: Page;
  /** The IM iframe's document. */
  im: FrameLocator;
  /** Problems the browser reported (console errors, CSP violations, page errors). */
  problems: string[];
  /** What the host received and answered (requests carry their full data). */
  hostLog(): Promise<HostLogEntry[]>;
}

export interface HostLogEntry {
  dir: "request" | "reply" | "unanswered";
  action: string;
  data?: Record<string, unknown>;
  response?: unknown;
}

/**
 * Opens the host page for `who` in a fresh browser context: it registers with the IM using a
 * real OpenID token and opens the IM iframe; Matrix calls it makes go to the real Synapse with
 * `who`'s access token. Resolves once the iframe is in the page.
 */
export async function openIm(
  browsers: Browsers,
  browser: Browser,
  stack: AtriumStack,
  host: HostServer,
  who: TestUser,
  opts: OpenOptions,
): Promise<OpenedIm> {
  const context = await browsers.newContext(browser, { viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    // Refused API calls (a 409 the UI then explains) are logged by Chromium too: not problems.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(m.text());
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.exposeFunction("atriumMintOpenId", () => who.client.requestOpenIdToken());
  await page.exposeFunction(
    "atriumMatrix",
    async (method: "GET" | "POST" | "PUT" | "DELETE", p: string, body: unknown) => {
      try {
        return {
          ok: true,
          status: 200,
          body: await who.client.request(method, p, body ?? undefined),
        };
      } catch (error: unknown) {
        if (error instanceof MatrixError)
          return {
            ok: false,
            status: error.status,
            body: { errcode: error.errcode, error: error.error },
          };
        throw error;
      }
    },
  );
  const query = new URLSearchParams({
    restUrl: `${stack.imUrl}/api`,
    uiUrl: `${stack.imUrl}/element`,
    roomId: opts.roomId,
    roomName: opts.roomName ?? "",
    userId: who.user.userId,
    theme: opts.theme ?? "light",
    width: String(opts.width ?? 800),
    height: String(opts.height ?? 600),
  });
  if (opts.screen !== undefined) query.set("screen", opts.screen);
  if (opts.integId !== undefined) query.set("integId", opts.integId);
  await page.goto(`${host.url}/im-host/host.html?${query.toString()}`);
  await page.locator('body[data-state="open"], body[data-state="failed"]').waitFor();
  if ((await page.locator("body").getAttribute("data-state")) === "failed") {
    throw new Error(
      `the host page could not open the IM: ${await page.locator("#status").textContent()}`,
    );
  }
  // The IM draws its header first (also when it then shows an error): wait for it, or say why not.
  const im = page.frameLocator("#im");
  try {
    await im.getByRole("heading", { name: "Extensions", level: 1 }).waitFor({ timeout: 20_000 });
  } catch {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const text = frame ? await frame.content().catch((e: unknown) => String(e)) : "(no frame)";
    throw new Error(
      `the IM did not draw at ${frame?.url() ?? "?"}: ${text.slice(0, 500)}; problems: ${problems.join(" | ")}`,
    );
  }
  return {
    page,
    im,
    problems,
    hostLog: () =>
      page.evaluate(
        () => (globalThis as unknown as { atriumHost: { log: HostLogEntry[] } }).atriumHost.log,
      ),
  };
}
