/**
 * The workspace page as people on Element X, Cinny or FluffyChat use it (issue 21): no widget
 * API anywhere, real Chromium at phone width (360×740) and desktop width, real Synapse and
 * Etherpad. A member follows the link in the room's notice, signs in with the DM the bot sends
 * (read through Synapse as that member), opens the pad and types; the code path in a second
 * browser; a non-member, a demoted and a banned member; a ticket link of someone else.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { createEtherpadClient } from "@atrium/etherpad";
import type { TestUser } from "../harness/atrium";
import { Browsers } from "../harness/chromium";
import { waitFor } from "../harness/wait";
import { users, useAtrium } from "../harness/world";
import { command, roomWithBot } from "../appservice/fixtures";
import { typeInPad } from "./browser";
import { readSignInDm, workspaceLinkIn, type SignInDm } from "./workspace-fixtures";

const DOCS = path.join(__dirname, "..", "..", "..", "docs", "screenshots");
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const EDIT_LEVEL = 10;
const HANDBOOK = "https://example.org/handbook?chapter=2&lang=en";
let firstDm: SignInDm;
/** The member's phone, signed in by the link (used again by later tests). */
let phone: BrowserContext;

const w = useAtrium(
  {
    config: (c) => ({
      ...c,
      encryption: { enabled: false },
      permissions: { ...c.permissions, padEditPowerLevel: EDIT_LEVEL },
    }),
  },
  async (stack, scope) => {
    const etherpad = createEtherpadClient({
      url: stack.etherpad.url,
      apiKey: stack.etherpad.apiKey,
    });
    const browsers = new Browsers(scope);
    const browser = await browsers.launch();
    const { owner, member, neighbour } = await users(stack, "owner", "member", "neighbour");
    const roomId = await roomWithBot(stack, owner, { name: "Planning" });
    await member.client.join(roomId);
    await owner.client.setPowerLevel(roomId, member.user.userId, EDIT_LEVEL);
    const reply = await command(stack, owner, roomId, "!pad notes");
    const padLink = workspaceLinkIn(reply.content.body);
    const padId = `${await etherpad.groupForRoom(roomId)}$notes`;
    await etherpad.setText(padId, "Agenda\n");
    await command(stack, owner, roomId, `!widget ${HANDBOOK} Handbook`);
    // The neighbour shares another room with the bot, not this one. The member is there too, so
    // their sign-in outlives a ban from Planning (a session ends only when its person shares no
    // room with the bot): the ban is then refused by the room's own check at open time.
    const otherRoom = await roomWithBot(stack, owner, { name: "Elsewhere" });
    await neighbour.client.join(otherRoom);
    await member.client.join(otherRoom);
    return { etherpad, browsers, browser, owner, member, neighbour, roomId, padLink, padId };
  },
);

function newContext(
  viewport = PHONE,
  colorScheme: "light" | "dark" = "light",
): Promise<BrowserContext> {
  return w.browsers.newContext(w.browser, { viewport, colorScheme });
}

/** Types `text` at the end of the pad shown in `page`; Etherpad's API must read it. */
function typeInOwnTab(page: Page, text: string): Promise<void> {
  return typeInPad(page, page, text, () => w.etherpad.getText(w.padId));
}

/** Asks for a code on the page (keyboard only) for `who`. */
async function askOnPage(page: Page, who: TestUser): Promise<void> {
  await page.getByLabel("Your Matrix ID").fill(who.user.userId);
  await page.keyboard.press("Enter");
  await page.getByRole("status").getByText("direct message from Atrium").waitFor();
}

describe("a member on a phone, from the room's notice", () => {
  it("signs in with the link of the bot's DM, opens the pad and types", async () => {
    expect(w.padLink).toContain(`/atrium/room/${encodeURIComponent(w.roomId)}?w=`);
    phone = await newContext(PHONE);
    const page = await phone.newPage();
    await page.goto(w.padLink);
    await askOnPage(page, w.member);
    firstDm = await readSignInDm(w.stack, w.member);
    expect(firstDm.link).toMatch(/\/atrium\/room\/sign-in#[A-Za-z0-9_-]{43}$/);
    // The DM asks clients not to preview the link (a preview would carry it to the homeserver).
    expect(firstDm.content["com.beeper.linkpreviews"]).toEqual([]);
    await page.goto(firstDm.link);
    // Opening the link changes nothing until the person confirms who signs in.
    await page.getByRole("heading", { name: `Sign in as ${w.member.user.userId}?` }).waitFor();
    expect(new URL(page.url()).hash).toBe("");
    await page.getByRole("button", { name: `Sign in as ${w.member.user.userId}` }).click();
    await page.getByRole("heading", { name: "Planning" }).waitFor();
    await page.getByText(`Signed in as ${w.member.user.userId}`).waitFor();
    await page.getByRole("button", { name: "Open the pad notes" }).click();
    await page.waitForURL(`${w.stack.config.etherpad.publicUrl}/p/**`, { timeout: 30_000 });
    await typeInOwnTab(page, "typed on a phone");
  });

  it("looks like Element at phone width, light and dark (screenshots for the README)", async () => {
    await fs.mkdir(DOCS, { recursive: true });
    const cookies = await phone.cookies();
    for (const scheme of ["light", "dark"] as const) {
      const context = await newContext(PHONE, scheme);
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(
        `${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`,
      );
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
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`);
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
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`);
    await askOnPage(page, w.member);
    const dm = await readSignInDm(w.stack, w.member, new Set([firstDm.eventId]), firstDm.roomId);
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
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`);
    await askOnPage(page, w.neighbour);
    const dm = await readSignInDm(w.stack, w.neighbour);
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
      [w.roomId, new URL(w.padLink).searchParams.get("w") ?? ""] as [string, string],
    );
    expect(status).toBe(403);
    const author = await w.etherpad.authorForUser(w.neighbour.user.userId);
    expect(await w.etherpad.listSessionsOfAuthor(author)).toEqual([]);
  });

  it("asks before an own-tab ticket link of someone else replaces the member's session (issue 22 item 17)", async () => {
    const ticket = await fetch(`${w.stack.webUrl}/atrium/pad/ticket`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        roomId: w.roomId,
        widgetId: new URL(w.padLink).searchParams.get("w"),
        openid: await w.owner.client.requestOpenIdToken(),
      }),
    });
    const { url } = (await ticket.json()) as { url: string };
    const page = await phone.newPage();
    const before = (await phone.cookies()).find((c) => c.name === "sessionID")?.value;
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/${url}`);
    await page.getByRole("heading", { name: `Open the pad as ${w.owner.user.userId}?` }).waitFor();
    expect(await page.locator("body").textContent()).toContain(w.member.user.userId);
    expect((await phone.cookies()).find((c) => c.name === "sessionID")?.value).toBe(before);
  });

  it("gives a demoted member the pad read-only", async () => {
    await w.owner.client.setPowerLevel(w.roomId, w.member.user.userId, 0);
    const page = await phone.newPage();
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`);
    await page.getByText("lets you read the pads, not edit them").waitFor();
    const widgetId = new URL(w.padLink).searchParams.get("w") ?? "";
    const body = (await page.evaluate(
      async ([room, widget]: [string, string]) =>
        (
          await fetch(
            `/atrium/workspace/rooms/${encodeURIComponent(room)}/pads/${encodeURIComponent(widget)}`,
            { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" },
          )
        ).json(),
      [w.roomId, widgetId] as [string, string],
    )) as { url: string; readOnly: boolean };
    expect(body.readOnly).toBe(true);
    expect(body.url).not.toContain(encodeURIComponent(w.padId));
    // The button goes the same way, and never to the writable pad.
    await page.getByRole("button", { name: "Open the pad notes (read-only)" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/atrium/room/"), { timeout: 30_000 });
    expect(page.url()).not.toContain(encodeURIComponent(w.padId));
    await w.owner.client.setPowerLevel(w.roomId, w.member.user.userId, EDIT_LEVEL);
  });

  it("closes everything to a banned member", async () => {
    await w.owner.client.ban(w.roomId, w.member.user.userId);
    const page = await phone.newPage();
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`);
    await page.getByRole("alert").getByText("You are not a member of this room").waitFor();
    const author = await w.etherpad.authorForUser(w.member.user.userId);
    await waitFor(
      "the banned member's Etherpad sessions to end",
      async () => ((await w.etherpad.listSessionsOfAuthor(author)).length === 0 ? true : undefined),
      { timeoutMs: 20_000 },
    );
  });

  it("signs out from the page", async () => {
    const page = await phone.newPage();
    await page.goto(`${w.stack.config.web.publicUrl}/atrium/room/${encodeURIComponent(w.roomId)}`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Your Matrix ID").waitFor();
    const me = await page.evaluate(async () => (await fetch("/atrium/workspace/me")).json());
    expect(me).toEqual({ userId: null });
  });
});
