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
import type { TestUser } from "../harness/atrium";
import { BLOCK_THIRD_PARTY_COOKIES, Browsers } from "../harness/chromium";
import { useAtrium } from "../harness/world";
import { openOwnTab as openPadTab, openTestClient, refusedWidget, typeInPad } from "./browser";
import { padPeople, testPages } from "./pad-world";

const SCREENSHOT = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "docs",
  "screenshots",
  "pad-cross-origin.png",
);
const w = useAtrium({}, async (stack, scope) => {
  const pages = await testPages(scope, stack);
  const browsers = new Browsers(scope);
  const [browser, strictBrowser] = await Promise.all([
    browsers.launch(),
    browsers.launch([BLOCK_THIRD_PARTY_COOKIES]),
  ]);
  return {
    browsers,
    browser,
    /** Chromium that blocks third-party cookies (as Safari does by default). */
    strictBrowser,
    /** The test client's base URL, on another site than the pads (127.0.0.1 vs localhost). */
    clientBase: pages.url.replace("localhost", "127.0.0.1"),
    ...(await padPeople(stack, {
      members: ["member", "leaver"],
      others: ["stranger"],
      text: "Agenda\n",
    })),
  };
});

/** Issued at the start, redeemed at the end: by then it is past its minute. */
let staleTicket: { url: string; issuedAt: number };

async function askForTicket(who: TestUser): Promise<Response> {
  return fetch(`${w.stack.webUrl}/atrium/pad/ticket`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      roomId: w.room.roomId,
      widgetId: w.room.widgetId,
      openid: await who.client.requestOpenIdToken(),
    }),
  });
}

async function ticketFor(who: TestUser): Promise<string> {
  const res = await askForTicket(who);
  expect(res.status).toBe(200);
  const { url } = (await res.json()) as { url: string };
  expect(url).toMatch(/^pad\/open\?ticket=[A-Za-z0-9_-]{43}$/);
  return `${w.stack.config.web.publicUrl}/atrium/${url}`;
}

beforeAll(async () => {
  staleTicket = { url: await ticketFor(w.member), issuedAt: Date.now() };
});

function newContext(on: Browser = w.browser): Promise<BrowserContext> {
  return w.browsers.newContext(on, { viewport: { width: 1100, height: 800 } });
}

/** Opens the cross-site test client for `who` with the pad widget embedded. */
function openWidget(who: TestUser, context: BrowserContext): Promise<Page> {
  return openTestClient(context, w.clientBase, who, w.room);
}

/** Types `text` at the end of the pad shown as `page`'s top-level page; Etherpad's API must read it. */
function typeInOwnTab(page: Page, text: string): Promise<void> {
  return typeInPad(page, page, text, () => w.etherpad.getText(w.room.padId));
}

const openOwnTab = (page: Page) => openPadTab(page, w.stack.config.etherpad.publicUrl!);

const padPath = () => `/p/${encodeURIComponent(w.room.padId)}`;

describe("a client on another site, plain http", () => {
  it("tells the member why the pad cannot open inside, and opens it in its own tab, where typing works", async () => {
    const page = await openWidget(w.member, await newContext());
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
    await typeInOwnTab(tab, "typed in the own tab");
    await tab.bringToFront();
    await tab.screenshot({ path: SCREENSHOT });
  });

  it("refuses a non-member in the widget: no button, no session", async () => {
    const page = await openWidget(w.stranger, await newContext());
    const widget = await refusedWidget(page);
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
    expect(await widget.locator("#error").textContent()).toContain("not a member of this room");
    expect(await widget.getByRole("button", { name: "Open in its own tab" }).isVisible()).toBe(
      false,
    );
    const author = await w.etherpad.authorForUser(w.stranger.user.userId);
    expect(await w.etherpad.listSessionsOfAuthor(author)).toEqual([]);
    expect((await askForTicket(w.stranger)).status).toBe(403);
  });
});

describe("pop-out (the page opened on its own)", () => {
  it("opens the pad for the member whose browser holds the room's session; typing works", async () => {
    const context = await newContext();
    await openOwnTab(await openWidget(w.member, context));
    const popped = await context.newPage();
    // What Element's "Pop out" opens: the widget URL, without the widget API.
    await popped.goto(w.room.widgetUrl);
    await popped.waitForURL(`${w.stack.config.etherpad.publicUrl}/p/**`, { timeout: 30_000 });
    expect(new URL(popped.url()).pathname).toBe(padPath());
    await typeInOwnTab(popped, "typed in the popped-out tab");
  });

  it("refuses the popped-out URL in a non-member's browser with a page that says what to do", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(w.room.widgetUrl);
    await page.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#error").textContent()).toMatch(
      /opened outside your Matrix client.*Open in its own tab/,
    );
    expect(page.url()).toContain("/atrium/pad?");
  });

  it("refuses a member who left the room: resume and a ticket issued before leaving", async () => {
    const context = await newContext();
    await openOwnTab(await openWidget(w.leaver, context));
    const ticket = await ticketFor(w.leaver);
    await w.leaver.client.leave(w.room.roomId);
    const popped = await context.newPage();
    await popped.goto(w.room.widgetUrl);
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
    const ticket = await ticketFor(w.member);
    const first = await fetch(ticket, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`${w.stack.config.etherpad.publicUrl}${padPath()}`);
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
    const page = await openWidget(w.member, await newContext(w.strictBrowser));
    const tab = await openOwnTab(page);
    await typeInOwnTab(tab, "typed with third-party cookies blocked");
  });

  it("gives a non-member nothing", async () => {
    const page = await openWidget(w.stranger, await newContext(w.strictBrowser));
    const widget = await refusedWidget(page);
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
  });
});
