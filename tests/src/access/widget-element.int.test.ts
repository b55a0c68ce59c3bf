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
import type { Frame, Page, Request } from "playwright-core";
import { integrationsWidgetsUrls } from "@atrium/widgets";
import type { TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";
import { useWorld } from "../harness/world";
import { frameWhere, openTestClient, padEditor } from "./browser";
import { padPeople, padsThroughTestPages } from "./pad-world";

const SCREENSHOTS = path.join(__dirname, "..", "..", "..", "docs", "screenshots");
/** Every request Etherpad got through the client's origin: its URL and headers. */
const etherpadSaw: string[] = [];

const w = useWorld(async (scope) => {
  const record = (req: http.IncomingMessage) =>
    etherpadSaw.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
  const opened = await padsThroughTestPages(scope, undefined, record);
  return {
    ...opened,
    ...(await padPeople(opened.stack, { members: ["member"], text: "Agenda\n" })),
  };
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
  const context = await w.browsers.newContext(w.browser);
  const requests: Request[] = [];
  context.on("request", (r) => requests.push(r));
  const page = await openTestClient(context, w.pages.url, who, w.room, extra, fragment);
  return { page, requests };
}

const padBase = () => `${w.stack.config.etherpad.publicUrl ?? w.stack.config.etherpad.url}/p/`;

/** The widget's frame once it shows Etherpad. */
function padFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  return frameWhere(
    page,
    "the widget to open the pad",
    (url) => url.startsWith(padBase()),
    timeoutMs,
  );
}

async function editorShowsAgenda(page: Page): Promise<void> {
  await padEditor(page.frameLocator("#widget")).locator("text=Agenda").waitFor({ timeout: 30_000 });
}

const events = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { atriumEvents: string[] }).atriumEvents);

describe("the identity prompt", () => {
  it("waits while the person takes 35 s to answer, says what to do, then opens the pad", async () => {
    const { page } = await openWidget(w.member, { openidDelayMs: "35000" });
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
      webPublicUrl: w.stack.config.web.publicUrl,
      imUrl: w.stack.imUrl,
    });
    const { page, requests } = await openWidget(
      w.member,
      {
        widgetsUrls: JSON.stringify(widgetsUrls),
        imApiUrl: `${w.stack.imUrl}/api`,
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
      `${w.stack.config.web.publicUrl}/atrium/pad`,
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
      fs.readFile(w.stack.etherpad.logFile, "utf8"),
      fs.readFile(w.stack.atrium.logFile, "utf8"),
    ]);
    expect(etherpadLog).not.toContain(token);
    expect(atriumLog).not.toContain(token);
    expect(atriumLog).toContain("opened a pad session");
  }, 90_000);
});

describe("the client's theme", () => {
  it("acknowledges theme_change and follows it", async () => {
    const { page } = await openWidget(w.member, { openidDelayMs: "60000" });
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
    const { page } = await openWidget(w.member);
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
