/**
 * The pad tests' side of the browser: a small local server for the test client page
 * (fixtures/), which plays the Matrix client around a widget, and the steps a person takes in
 * it (open the client, see the widget refuse, type in the pad, open the pad in its own tab).
 */
import type http from "node:http";
import type { Duplex } from "node:stream";
import * as path from "node:path";
import type { BrowserContext, Frame, FrameLocator, Locator, Page } from "playwright-core";
import type { TestUser } from "../harness/atrium";
import { serveFiles, type LocalServer } from "../harness/chromium";
import { forward, forwardUpgrade } from "../harness/http-proxy";
import { waitFor } from "../harness/wait";
import type { PadRoom } from "./pad-room";

/** Base URL on `localhost` (the same host as the widget page, so cookies are shared). */
export type TestPageServer = LocalServer;

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
  const pages = await serveFiles(port, FILES, (req, res) => {
    onEtherpadRequest?.(req);
    forward(req, res, etherpadUrl);
  });
  // socket.io's websocket: replayed to Etherpad.
  pages.server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onEtherpadRequest?.(req);
    forwardUpgrade(req, socket, head, etherpadUrl);
  });
  return pages;
}

/**
 * Opens the test client at `base` (the test page server, or a proxy in front of it) for `who`
 * in `context`, with `room`'s pad widget embedded. `extra` joins the client's query (e.g.
 * `openidDelayMs`), `fragment` its URL.
 */
export async function openTestClient(
  context: BrowserContext,
  base: string,
  who: TestUser,
  room: Pick<PadRoom, "roomId" | "widgetId" | "templateUrl">,
  extra: Record<string, string> = {},
  fragment = "",
): Promise<Page> {
  const page = await context.newPage();
  await page.exposeFunction("atriumMintOpenId", () => who.client.requestOpenIdToken());
  const query = new URLSearchParams({
    widgetUrl: room.templateUrl,
    widgetId: room.widgetId,
    roomId: room.roomId,
    userId: who.user.userId,
    ...extra,
  });
  await page.goto(`${base}/atrium-test/client.html?${query.toString()}${fragment}`);
  return page;
}

/** The widget's document, once it has refused the person (its `body[data-state="refused"]`). */
export async function refusedWidget(page: Page): Promise<FrameLocator> {
  const widget = page.frameLocator("#widget");
  await widget.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
  return widget;
}

/** Waits for a frame of `page` whose URL `matches` (the timeout lists the frames there were). */
export function frameWhere(
  page: Page,
  what: string,
  matches: (url: string) => boolean,
  timeoutMs = 30_000,
): Promise<Frame> {
  return waitFor(what, async () => page.frames().find((f) => matches(f.url())), {
    timeoutMs,
    describeLast: () =>
      `frames: ${page
        .frames()
        .map((f) => f.url())
        .join(", ")}`,
  });
}

/** The editable body of Etherpad's editor (ace_outer → ace_inner → #innerdocbody) in `outer`. */
export function padEditor(outer: Page | FrameLocator): Locator {
  return outer
    .frameLocator('iframe[name="ace_outer"]')
    .frameLocator('iframe[name="ace_inner"]')
    .locator("#innerdocbody");
}

/**
 * Types `text` at the end of the pad that `shown` (the page, or the frame of the widget that
 * shows it) holds, once its "Agenda" line shows and it is editable, and waits until Etherpad's
 * API (`padText`) reads it.
 */
export async function typeInPad(
  page: Page,
  shown: Page | FrameLocator,
  text: string,
  padText: () => Promise<string>,
): Promise<void> {
  const editor = padEditor(shown);
  await editor.locator("text=Agenda").waitFor({ timeout: 30_000 });
  expect(await editor.getAttribute("contenteditable")).toBe("true");
  await editor.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
  await waitFor(
    `Etherpad to hold "${text}"`,
    async () => ((await padText()).includes(text) ? true : undefined),
    { timeoutMs: 20_000, describeLast: () => "the text did not arrive" },
  );
}

/**
 * The widget in `page` offers the pad in its own tab; clicks "Open in its own tab" and returns
 * the tab once it shows a pad under `padBase`.
 */
export async function openOwnTab(page: Page, padBase: string): Promise<Page> {
  const widget = page.frameLocator("#widget");
  await widget.locator('body[data-state="own-tab"]').waitFor({ timeout: 30_000 });
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    widget.getByRole("button", { name: "Open in its own tab" }).click(),
  ]);
  await tab.waitForURL(`${padBase}/p/**`, { timeout: 30_000 });
  return tab;
}
