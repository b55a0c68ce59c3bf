/**
 * The workspace page as people on Element X, Cinny or FluffyChat use it (issue 21): no widget
 * API anywhere, real Chromium at phone width (360×740) and desktop width, real Synapse and
 * Etherpad. A member follows the link in the room's notice, signs in with the DM the bot sends
 * (read through Synapse as that member), opens the pad and types; the code path in a second
 * browser; a non-member, a demoted and a banned member; a ticket link of someone else.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";
import { command, roomWithBot } from "../appservice/fixtures";
import { launchChromium } from "./browser";
import { readSignInDm, workspaceLinkIn, type SignInDm } from "./workspace-fixtures";

const DOCS = path.join(__dirname, "..", "..", "..", "docs", "screenshots");
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const EDIT_LEVEL = 10;
const HANDBOOK = "https://example.org/handbook?chapter=2&lang=en";
let stack: AtriumStack;
let etherpad: EtherpadClient;
let browser: Browser;
let owner: TestUser;
let member: TestUser;
let neighbour: TestUser;
let roomId: string;
let padLink: string;
let padId: string;
let firstDm: SignInDm;
/** The member's phone, signed in by the link (used again by later tests). */
let phone: BrowserContext;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      encryption: { enabled: false },
      permissions: { ...c.permissions, padEditPowerLevel: EDIT_LEVEL },
    }),
  });
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  browser = await launchChromium();
  [owner, member, neighbour] = [
    await stack.user("owner"),
    await stack.user("member"),
    await stack.user("neighbour"),
  ];
  roomId = await roomWithBot(stack, owner, { name: "Planning" });
  await member.client.join(roomId);
  await owner.client.setPowerLevel(roomId, member.user.userId, EDIT_LEVEL);
  const reply = await command(stack, owner, roomId, "!pad notes");
  padLink = workspaceLinkIn(reply.content.body);
  padId = `${await etherpad.groupForRoom(roomId)}$notes`;
  await etherpad.setText(padId, "Agenda\n");
  await command(stack, owner, roomId, `!widget ${HANDBOOK} Handbook`);
  // The neighbour shares another room with the bot, not this one. The member is there too, so
  // their sign-in outlives a ban from Planning (a session ends only when its person shares no
  // room with the bot): the ban is then refused by the room's own check at open time.
  const otherRoom = await roomWithBot(stack, owner, { name: "Elsewhere" });
  await neighbour.client.join(otherRoom);
  await member.client.join(otherRoom);
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

async function newContext(
  viewport = PHONE,
  colorScheme: "light" | "dark" = "light",
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, colorScheme });
  contexts.push(context);
  context.on("page", (p) => p.on("pageerror", (e) => console.log(`[chromium] ${e.message}`)));
  return context;
}

/** Types `text` at the end of the pad shown in `page`; Etherpad's API must read it. */
async function typeInPad(page: Page, text: string): Promise<void> {
  const body = page
    .frameLocator('iframe[name="ace_outer"]')
    .frameLocator('iframe[name="ace_inner"]')
    .locator("#innerdocbody");
  await body.locator("text=Agenda").waitFor({ timeout: 30_000 });
  expect(await body.getAttribute("contenteditable")).toBe("true");
  await body.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
  await waitFor(
    `Etherpad to hold "${text}"`,
    async () => ((await etherpad.getText(padId)).includes(text) ? true : undefined),
    { timeoutMs: 20_000 },
  );
}

/** Asks for a code on the page (keyboard only) for `who`. */
async function askOnPage(page: Page, who: TestUser): Promise<void> {
  await page.getByLabel("Your Matrix ID").fill(who.user.userId);
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("direct message from Atrium").waitFor();
}

describe("a member on a phone, from the room's notice", () => {
  it("signs in with the link of the bot's DM, opens the pad and types", async () => {
    expect(padLink).toContain(`/atrium/room/${encodeURIComponent(roomId)}?w=`);
    phone = await newContext(PHONE);
    const page = await phone.newPage();
    await page.goto(padLink);
    await askOnPage(page, member);
    firstDm = await readSignInDm(stack, member);
    expect(firstDm.link).toMatch(/\/atrium\/room\/sign-in#[A-Za-z0-9_-]{43}$/);
    // The DM asks clients not to preview the link (a preview would carry it to the homeserver).
    expect(firstDm.content["com.beeper.linkpreviews"]).toEqual([]);
    await page.goto(firstDm.link);
    // Opening the link changes nothing until the person confirms who signs in.
    await page.getByRole("heading", { name: `Sign in as ${member.user.userId}?` }).waitFor();
    expect(new URL(page.url()).hash).toBe("");
    await page.getByRole("button", { name: `Sign in as ${member.user.userId}` }).click();
    await page.getByRole("heading", { name: "Planning" }).waitFor();
    await page.getByText(`Signed in as ${member.user.userId}`).waitFor();
    await page.getByRole("button", { name: "Open the pad notes" }).click();
    await page.waitForURL(`${stack.config.etherpad.publicUrl}/p/**`, { timeout: 30_000 });
    await typeInPad(page, "typed on a phone");
  });

  it("looks like Element at phone width, light and dark (screenshots for the README)", async () => {
    await fs.mkdir(DOCS, { recursive: true });
    const cookies = await phone.cookies();
    for (const scheme of ["light", "dark"] as const) {
      const context = await newContext(PHONE, scheme);
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
      await page.getByRole("heading", { name: "Pads" }).waitFor();
      const width = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
            .document.documentElement.scrollWidth,
      );
      expect(width).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({
        path: path.join(DOCS, `workspace-phone-${scheme}.png`),
        fullPage: true,
      });
    }
  });
});

describe("a web page of the room", () => {
  it("shows its full address before leaving, and leaves without a Referer", async () => {
    const page = await phone.newPage();
    await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
    await page.getByRole("button", { name: "Open the web page Handbook" }).click();
    await page.getByRole("heading", { name: "Handbook leads to another site" }).waitFor();
    expect(await page.getByTestId("page-url").textContent()).toBe(HANDBOOK);
    const go = page.getByRole("link", { name: "Continue to example.org" });
    expect(await go.getAttribute("href")).toBe(HANDBOOK);
    expect(await go.getAttribute("rel")).toContain("noreferrer");
    // Keyboard: the Continue link has the focus, Tab reaches "Back to the room".
    expect(
      await go.evaluate(
        (el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement,
      ),
    ).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Pads" }).waitFor();
  });
});

describe("the code, in the browser that asked (a laptop)", () => {
  it("signs in, and the bot reuses its one DM room", async () => {
    const page = await (await newContext(DESKTOP)).newPage();
    await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
    await askOnPage(page, member);
    const dm = await readSignInDm(stack, member, new Set([firstDm.eventId]), firstDm.roomId);
    expect(dm.roomId).toBe(firstDm.roomId);
    await page.getByLabel("Code from the message").fill(dm.code.toLowerCase());
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Open the pad notes" }).waitFor();
    // The code was used: typing it again in this browser signs in nobody.
    const again = await page.evaluate(async (code) => {
      const r = await fetch("/atrium/workspace/sign-in/code", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code }),
      });
      return r.status;
    }, dm.code);
    expect(again).toBe(400);
  });
});

describe("who may open what", () => {
  it("refuses a signed-in person who shares another room with the bot, not this one", async () => {
    const page = await (await newContext(PHONE)).newPage();
    await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
    await askOnPage(page, neighbour);
    const dm = await readSignInDm(stack, neighbour);
    await page.getByLabel("Code from the message").fill(dm.code);
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText("You are not a member of this room").waitFor();
    const status = await page.evaluate(
      async ([room, widget]: [string, string]) =>
        (
          await fetch(
            `/atrium/workspace/rooms/${encodeURIComponent(room)}/pads/${encodeURIComponent(widget)}`,
            { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" },
          )
        ).status,
      [roomId, new URL(padLink).searchParams.get("w") ?? ""] as [string, string],
    );
    expect(status).toBe(403);
    const author = await etherpad.authorForUser(neighbour.user.userId);
    expect(await etherpad.listSessionsOfAuthor(author)).toEqual([]);
  });

  it("asks before an own-tab ticket link of someone else replaces the member's session (issue 22 item 17)", async () => {
    const ticket = await fetch(`${stack.webUrl}/atrium/pad/ticket`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        roomId,
        widgetId: new URL(padLink).searchParams.get("w"),
        openid: await owner.client.requestOpenIdToken(),
      }),
    });
    const { url } = (await ticket.json()) as { url: string };
    const page = await phone.newPage();
    const before = (await phone.cookies()).find((c) => c.name === "sessionID")?.value;
    await page.goto(`${stack.config.web.publicUrl}/atrium/${url}`);
    await page.getByRole("heading", { name: `Open the pad as ${owner.user.userId}?` }).waitFor();
    expect(await page.locator("body").textContent()).toContain(member.user.userId);
    expect((await phone.cookies()).find((c) => c.name === "sessionID")?.value).toBe(before);
  });

  it("gives a demoted member the pad read-only", async () => {
    await owner.client.setPowerLevel(roomId, member.user.userId, 0);
    const page = await phone.newPage();
    await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
    await page.getByText("lets you read the pads, not edit them").waitFor();
    const widgetId = new URL(padLink).searchParams.get("w") ?? "";
    const body = (await page.evaluate(
      async ([room, widget]: [string, string]) =>
        (
          await fetch(
            `/atrium/workspace/rooms/${encodeURIComponent(room)}/pads/${encodeURIComponent(widget)}`,
            { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" },
          )
        ).json(),
      [roomId, widgetId] as [string, string],
    )) as { url: string; readOnly: boolean };
    expect(body.readOnly).toBe(true);
    expect(body.url).not.toContain(encodeURIComponent(padId));
    // The button goes the same way, and never to the writable pad.
    await page.getByRole("button", { name: "Open the pad notes (read-only)" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/atrium/room/"), { timeout: 30_000 });
    expect(page.url()).not.toContain(encodeURIComponent(padId));
    await owner.client.setPowerLevel(roomId, member.user.userId, EDIT_LEVEL);
  });

  it("closes everything to a banned member", async () => {
    await owner.client.ban(roomId, member.user.userId);
    const page = await phone.newPage();
    await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
    await page.getByRole("alert").getByText("You are not a member of this room").waitFor();
    const author = await etherpad.authorForUser(member.user.userId);
    await waitFor(
      "the banned member's Etherpad sessions to end",
      async () => ((await etherpad.listSessionsOfAuthor(author)).length === 0 ? true : undefined),
      { timeoutMs: 20_000 },
    );
  });

  it("signs out from the page", async () => {
    const page = await phone.newPage();
    await page.goto(`${stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(roomId)}`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Your Matrix ID").waitFor();
    const me = await page.evaluate(async () => (await fetch("/atrium/workspace/me")).json());
    expect(me).toEqual({ userId: null });
  });
});
