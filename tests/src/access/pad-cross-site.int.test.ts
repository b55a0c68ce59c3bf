/**
 * The pad widget in a Matrix client on another site, as real clients are (Element Desktop's
 * `vector://vector`, Element Web on any other host): the test client is served from
 * `127.0.0.1`, the pads and pad pages from `localhost`, over plain http as in the local stack.
 * There Etherpad cannot keep its cookies inside the iframe, so the widget says why and offers
 * "Open in its own tab" (a single-use ticket redeemed top-level). Also: Element's "Pop out"
 * (the page opened on its own, resumed from the pad session the browser holds), non-members,
 * members who left, ticket reuse and expiry, and the same with third-party cookies blocked.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { freePort } from "../harness/process-utils";
import { waitFor } from "../harness/wait";
import { CHROMIUM_ARGS, launchChromium, startTestPageServer, type TestPageServer } from "./browser";
import { padRoom, type PadRoom } from "./pad-room";

const SCREENSHOT = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "docs",
  "screenshots",
  "pad-cross-origin.png",
);
let stack: AtriumStack;
let etherpad: EtherpadClient;
let browser: Browser;
/** Chromium that blocks third-party cookies (as Safari does by default). */
let strictBrowser: Browser;
let pages: TestPageServer;
/** The test client's base URL, on another site than the pads (127.0.0.1 vs localhost). */
let clientBase: string;
let owner: TestUser;
let member: TestUser;
let leaver: TestUser;
let stranger: TestUser;
let room: PadRoom;
/** Issued at the start, redeemed at the end: by then it is past its minute. */
let staleTicket: { url: string; issuedAt: number };
const contexts: BrowserContext[] = [];

async function askForTicket(who: TestUser): Promise<Response> {
  return fetch(`${stack.webUrl}/atrium/pad/ticket`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      roomId: room.roomId,
      widgetId: room.widgetId,
      openid: await who.client.requestOpenIdToken(),
    }),
  });
}

async function ticketFor(who: TestUser): Promise<string> {
  const res = await askForTicket(who);
  expect(res.status).toBe(200);
  const { url } = (await res.json()) as { url: string };
  expect(url).toMatch(/^pad\/open\?ticket=[A-Za-z0-9_-]{43}$/);
  return `${stack.config.web.publicUrl}/atrium/${url}`;
}

beforeAll(async () => {
  stack = await startAtrium();
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  const pagePort = await freePort();
  [browser, strictBrowser, pages] = await Promise.all([
    launchChromium(),
    chromium.launch({
      executablePath: process.env.ATRIUM_CHROMIUM ?? "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"],
    }),
    startTestPageServer(pagePort, stack.etherpad.url),
  ]);
  clientBase = pages.url.replace("localhost", "127.0.0.1");
  [owner, member, leaver, stranger] = [
    await stack.user("owner"),
    await stack.user("member"),
    await stack.user("leaver"),
    await stack.user("stranger"),
  ];
  room = await padRoom(stack, owner);
  await member.client.join(room.roomId);
  await leaver.client.join(room.roomId);
  await etherpad.setText(room.padId, "Agenda\n");
  staleTicket = { url: await ticketFor(member), issuedAt: Date.now() };
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await strictBrowser?.close();
  await pages?.close();
  await stack?.stop();
});

async function newContext(on: Browser = browser): Promise<BrowserContext> {
  const context = await on.newContext({ viewport: { width: 1100, height: 800 } });
  contexts.push(context);
  context.on("page", (p) => {
    p.on("pageerror", (e) => console.log(`[chromium] page error: ${e.message}`));
  });
  return context;
}

/** Opens the cross-site test client for `who` with the pad widget embedded. */
async function openWidget(who: TestUser, context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.exposeFunction("atriumMintOpenId", () => who.client.requestOpenIdToken());
  const query = new URLSearchParams({
    widgetUrl: room.templateUrl,
    widgetId: room.widgetId,
    roomId: room.roomId,
    userId: who.user.userId,
  });
  await page.goto(`${clientBase}/atrium-test/client.html?${query.toString()}`);
  return page;
}

function editorIn(page: Page) {
  return page
    .frameLocator('iframe[name="ace_outer"]')
    .frameLocator('iframe[name="ace_inner"]')
    .locator("#innerdocbody");
}

/** Types `text` at the end of the pad shown as `page`'s top-level page; Etherpad's API must read it. */
async function typeInPad(page: Page, text: string): Promise<void> {
  const body = editorIn(page);
  await body.locator("text=Agenda").waitFor({ timeout: 30_000 });
  expect(await body.getAttribute("contenteditable")).toBe("true");
  await body.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
  await waitFor(
    `Etherpad to hold "${text}"`,
    async () => ((await etherpad.getText(room.padId)).includes(text) ? true : undefined),
    { timeoutMs: 20_000, describeLast: () => "the text did not arrive" },
  );
}

/** The widget offers the own tab; clicking it opens the pad there. Returns the tab. */
async function openOwnTab(page: Page): Promise<Page> {
  const widget = page.frameLocator("#widget");
  await widget.locator('body[data-state="own-tab"]').waitFor({ timeout: 30_000 });
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    widget.getByRole("button", { name: "Open in its own tab" }).click(),
  ]);
  await tab.waitForURL(`${stack.config.etherpad.publicUrl}/p/**`, { timeout: 30_000 });
  return tab;
}

const padPath = () => `/p/${encodeURIComponent(room.padId)}`;

describe("a client on another site, plain http", () => {
  it("tells the member why the pad cannot open inside, and opens it in its own tab, where typing works", async () => {
    const page = await openWidget(member, await newContext());
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="own-tab"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("#status").textContent()).toMatch(
      /another site.*plain http.*cookies/,
    );
    // Etherpad's raw error never shows: the widget did not navigate to the pad.
    expect(page.frames().some((f) => f.url().includes("/p/"))).toBe(false);
    await fs.mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.replace(".png", "-widget.png") });
    const tab = await openOwnTab(page);
    expect(new URL(tab.url()).pathname).toBe(padPath());
    await typeInPad(tab, "typed in the own tab");
    await tab.bringToFront();
    await tab.screenshot({ path: SCREENSHOT });
  });

  it("refuses a non-member in the widget: no button, no session", async () => {
    const page = await openWidget(stranger, await newContext());
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
    expect(await widget.locator("#error").textContent()).toContain("not a member of this room");
    expect(await widget.getByRole("button", { name: "Open in its own tab" }).isVisible()).toBe(
      false,
    );
    const author = await etherpad.authorForUser(stranger.user.userId);
    expect(await etherpad.listSessionsOfAuthor(author)).toEqual([]);
    expect((await askForTicket(stranger)).status).toBe(403);
  });
});

describe("pop-out (the page opened on its own)", () => {
  it("opens the pad for the member whose browser holds the room's session; typing works", async () => {
    const context = await newContext();
    await openOwnTab(await openWidget(member, context));
    const popped = await context.newPage();
    // What Element's "Pop out" opens: the widget URL, without the widget API.
    await popped.goto(room.widgetUrl);
    await popped.waitForURL(`${stack.config.etherpad.publicUrl}/p/**`, { timeout: 30_000 });
    expect(new URL(popped.url()).pathname).toBe(padPath());
    await typeInPad(popped, "typed in the popped-out tab");
  });

  it("refuses the popped-out URL in a non-member's browser with a page that says what to do", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(room.widgetUrl);
    await page.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#error").textContent()).toMatch(
      /opened outside your Matrix client.*Open in its own tab/,
    );
    expect(page.url()).toContain("/atrium/pad?");
  });

  it("refuses a member who left the room: resume and a ticket issued before leaving", async () => {
    const context = await newContext();
    await openOwnTab(await openWidget(leaver, context));
    const ticket = await ticketFor(leaver);
    await leaver.client.leave(room.roomId);
    const popped = await context.newPage();
    await popped.goto(room.widgetUrl);
    await popped.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(popped.url()).toContain("/atrium/pad?");
    const tab = await context.newPage();
    const answer = await tab.goto(ticket);
    expect(answer?.status()).toBe(403);
    expect(await tab.locator("#error").textContent()).toContain("not a member of this room");
    expect(tab.url()).toContain("/atrium/pad/open");
  });
});

describe("tickets", () => {
  it("open once: the second use is refused, and sets no cookie", async () => {
    const ticket = await ticketFor(member);
    const first = await fetch(ticket, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`${stack.config.etherpad.publicUrl}${padPath()}`);
    expect(first.headers.get("set-cookie")).toMatch(/^sessionID=s\./);
    const second = await fetch(ticket, { redirect: "manual" });
    expect(second.status).toBe(404);
    expect(second.headers.get("set-cookie")).toBeNull();
    expect(await second.text()).toContain("already used or is not valid");
  });

  it("expire after a minute", async () => {
    const wait = staleTicket.issuedAt + 61_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await fetch(staleTicket.url, { redirect: "manual" });
    expect(res.status).toBe(410);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("has expired");
  }, 90_000);
});

describe("third-party cookies blocked", () => {
  it("still opens the pad for a member, in its own tab, where typing works", async () => {
    const page = await openWidget(member, await newContext(strictBrowser));
    const tab = await openOwnTab(page);
    await typeInPad(tab, "typed with third-party cookies blocked");
  });

  it("gives a non-member nothing", async () => {
    const page = await openWidget(stranger, await newContext(strictBrowser));
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
  });
});
