/**
 * What a person in Element meets around the pad widget, in real Chromium with the suite's
 * Element-like client (ClientWidgetApi, real OpenID tokens from Synapse), client and pads on
 * one origin so the pad opens inside the widget:
 * - a person who takes 35 s to answer the "verify your identity" prompt gets the pad, and no
 *   error while the prompt is open;
 * - Element's `integrations_widgets_urls` as Atrium writes them make Element offer "Edit" and
 *   append the user's IM token (`scalar_token`) to the pad page's URL: the page drops it at
 *   once, and it reaches neither Etherpad, nor a Referer header, nor the appservice's log;
 * - `theme_change` is acknowledged and followed;
 * - a widget re-rendered by Element opens the pad again without a second prompt.
 */
import { promises as fs } from "node:fs";
import type http from "node:http";
import * as path from "node:path";
import type { Browser, BrowserContext, Frame, Page, Request } from "playwright-core";
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { integrationsWidgetsUrls } from "@atrium/widgets";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { freePort } from "../harness/process-utils";
import { waitFor } from "../harness/wait";
import { launchChromium, startTestPageServer, type TestPageServer } from "./browser";
import { padRoom, type PadRoom } from "./pad-room";

const SCREENSHOTS = path.join(__dirname, "..", "..", "..", "docs", "screenshots");
let stack: AtriumStack;
let etherpad: EtherpadClient;
let browser: Browser;
let pages: TestPageServer;
let member: TestUser;
let room: PadRoom;
const contexts: BrowserContext[] = [];
/** Every request Etherpad got through the client's origin: its URL and headers. */
const etherpadSaw: string[] = [];

beforeAll(async () => {
  const pagePort = await freePort();
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      etherpad: { ...c.etherpad, publicUrl: `http://localhost:${pagePort}` },
    }),
  });
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  const record = (req: http.IncomingMessage) =>
    etherpadSaw.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
  [browser, pages] = await Promise.all([
    launchChromium(),
    startTestPageServer(pagePort, stack.etherpad.url, record),
  ]);
  const owner = await stack.user("owner");
  member = await stack.user("member");
  room = await padRoom(stack, owner);
  await member.client.join(room.roomId);
  await etherpad.setText(room.padId, "Agenda\n");
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await pages?.close();
  await stack?.stop();
});

interface Opened {
  page: Page;
  /** Every request the browser made, with its headers. */
  requests: Request[];
}

/** Opens the Element-like client for `who` with the pad widget, `extra` in its query. */
async function openWidget(
  who: TestUser,
  extra: Record<string, string> = {},
  fragment = "",
): Promise<Opened> {
  const context = await browser.newContext();
  contexts.push(context);
  const requests: Request[] = [];
  context.on("request", (r) => requests.push(r));
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`[chromium] page error: ${e.message}`));
  await page.exposeFunction("atriumMintOpenId", () => who.client.requestOpenIdToken());
  const query = new URLSearchParams({
    widgetUrl: room.templateUrl,
    widgetId: room.widgetId,
    roomId: room.roomId,
    userId: who.user.userId,
    ...extra,
  });
  await page.goto(`${pages.url}/atrium-test/client.html?${query.toString()}${fragment}`);
  return { page, requests };
}

const padBase = () => `${stack.config.etherpad.publicUrl ?? stack.config.etherpad.url}/p/`;

/** The widget's frame once it shows Etherpad. */
function padFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  return waitFor(
    "the widget to open the pad",
    async () => page.frames().find((f) => f.url().startsWith(padBase())),
    {
      timeoutMs,
      describeLast: () =>
        page
          .frames()
          .map((f) => f.url())
          .join(", "),
    },
  );
}

async function editorShowsAgenda(page: Page): Promise<void> {
  await page
    .frameLocator("#widget")
    .frameLocator('iframe[name="ace_outer"]')
    .frameLocator('iframe[name="ace_inner"]')
    .locator("#innerdocbody")
    .locator("text=Agenda")
    .waitFor({ timeout: 30_000 });
}

const events = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { atriumEvents: string[] }).atriumEvents);

describe("the identity prompt", () => {
  it("waits while the person takes 35 s to answer, says what to do, then opens the pad", async () => {
    const { page } = await openWidget(member, { openidDelayMs: "35000" });
    const widget = page.frameLocator("#widget");
    await widget.getByText("your Matrix client", { exact: false }).waitFor({ timeout: 20_000 });
    // Past the 30 s the page used to give up after: no error anywhere, still asking, saying how.
    await page.waitForTimeout(32_000);
    expect(await events(page)).not.toContain("openid-allowed");
    expect(await widget.locator("#error").isVisible()).toBe(false);
    expect(await widget.locator("body").getAttribute("data-state")).toBe("asking");
    expect(await widget.locator("#status").textContent()).toMatch(
      /asking you whether this widget may verify your identity.*Continue/,
    );
    await page.locator("#widget").screenshot({ path: path.join(SCREENSHOTS, "pad-asking.png") });
    await padFrame(page, 30_000);
    await editorShowsAgenda(page);
    expect(await events(page)).toEqual(expect.arrayContaining(["openid-asked", "openid-allowed"]));
  }, 120_000);
});

describe("Element's Edit and its token", () => {
  it("offers Edit, and the IM token Element appends reaches no one", async () => {
    const token = `scalar-${Date.now().toString(36)}-never-sent-on`;
    const widgetsUrls = integrationsWidgetsUrls({
      webPublicUrl: stack.config.web.publicUrl,
      imUrl: stack.imUrl,
    });
    const { page, requests } = await openWidget(
      member,
      {
        widgetsUrls: JSON.stringify(widgetsUrls),
        imApiUrl: `${stack.imUrl}/api`,
        openidDelayMs: "2000",
      },
      `#scalarToken=${token}`,
    );
    expect(
      await page.evaluate(() => (globalThis as { atriumCanEdit?: boolean }).atriumCanEdit),
    ).toBe(true);
    const widget = page.frameLocator("#widget");
    await widget.getByText("your Matrix client", { exact: false }).waitFor({ timeout: 20_000 });
    // The page took the token out of its address before anything else.
    const pageFrame = page.frames().find((f) => f.url().includes("/atrium/pad?"));
    expect(pageFrame).toBeDefined();
    expect(pageFrame!.url()).not.toContain(token);
    const href = await pageFrame!.evaluate(
      () => (globalThis as unknown as { location: { href: string } }).location.href,
    );
    expect(href).not.toContain("scalar_token");
    await padFrame(page);
    await editorShowsAgenda(page);

    // Only the one request Element made (the page itself) carried it, in its URL.
    const carrying = requests.filter(
      (r) => r.url().includes(token) || JSON.stringify(r.headers()).includes(token),
    );
    expect(carrying.map((r) => r.url().split("?")[0])).toEqual([
      `${stack.config.web.publicUrl}/atrium/pad`,
    ]);
    const padRequest = requests.find((r) => r.url().startsWith(padBase()));
    expect(padRequest).toBeDefined();
    expect(await padRequest!.headerValue("referer")).toBeNull();
    expect(etherpadSaw.length).toBeGreaterThan(0);
    expect(etherpadSaw.filter((line) => line.includes(token))).toEqual([]);
    expect(
      etherpadSaw.filter((line) => /referer/i.test(line) && line.includes("/atrium/")),
    ).toEqual([]);
    const [etherpadLog, atriumLog] = await Promise.all([
      fs.readFile(stack.etherpad.logFile, "utf8"),
      fs.readFile(stack.atrium.logFile, "utf8"),
    ]);
    expect(etherpadLog).not.toContain(token);
    expect(atriumLog).not.toContain(token);
    expect(atriumLog).toContain("opened a pad session");
  }, 90_000);
});

describe("the client's theme", () => {
  it("acknowledges theme_change and follows it", async () => {
    const { page } = await openWidget(member, { openidDelayMs: "60000" });
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="asking"]').waitFor({ timeout: 20_000 });
    const reply = await page.evaluate(() =>
      (globalThis as unknown as { atriumTheme(n: string): Promise<unknown> }).atriumTheme("dark"),
    );
    expect(reply).toEqual({});
    expect(await widget.locator("body").getAttribute("data-theme")).toBe("dark");
    const background = () =>
      widget.locator("body").evaluate(
        (b) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown): { backgroundColor: string };
            }
          ).getComputedStyle(b).backgroundColor,
      );
    const dark = await background();
    await page.evaluate(() =>
      (globalThis as unknown as { atriumTheme(n: string): Promise<unknown> }).atriumTheme("light"),
    );
    expect(await widget.locator("body").getAttribute("data-theme")).toBe("light");
    expect(await background()).not.toBe(dark);
  }, 60_000);
});

describe("a widget Element re-renders", () => {
  it("opens the pad again without asking for the person's identity a second time", async () => {
    const { page } = await openWidget(member);
    await padFrame(page);
    await editorShowsAgenda(page);
    expect((await events(page)).filter((e) => e === "openid-asked")).toHaveLength(1);
    await page.evaluate(() =>
      (globalThis as unknown as { atriumRerender(): void }).atriumRerender(),
    );
    await waitFor(
      "the re-rendered widget to load its page",
      async () =>
        (await events(page)).filter((e) => e === "widget-loading").length === 2 ? true : undefined,
      { timeoutMs: 10_000 },
    );
    await padFrame(page);
    await editorShowsAgenda(page);
    expect((await events(page)).filter((e) => e === "openid-asked")).toHaveLength(1);
  }, 90_000);
});
