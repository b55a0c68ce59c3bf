/**
 * The pad widget in real Chromium: a test page plays the Matrix client (matrix-widget-api's
 * ClientWidgetApi, handing out real OpenID tokens minted by Synapse) and embeds the pad widget
 * page the appservice serves. A member reaches the pad and types; Etherpad's API reads the text
 * back. A non-member is refused on the page. A member below the edit level gets Atrium's
 * read-only view and no Etherpad session. Etherpad runs with requireSession and editOnly, so only the session the appservice opened
 * lets the browser in.
 */
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { freePort } from "../harness/process-utils";
import { waitFor } from "../harness/wait";
import { launchChromium, startTestPageServer, type TestPageServer } from "./browser";
import { askForSession, padRoom, type PadRoom } from "./pad-room";

const EDIT_LEVEL = 10;
let stack: AtriumStack;
let etherpad: EtherpadClient;
let browser: Browser;
let pages: TestPageServer;
let owner: TestUser;
let editor: TestUser;
let reader: TestUser;
let stranger: TestUser;
let room: PadRoom;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Pads are opened through the test page's origin (see startTestPageServer for why).
  const pagePort = await freePort();
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      etherpad: { ...c.etherpad, publicUrl: `http://localhost:${pagePort}` },
      permissions: { ...c.permissions, padEditPowerLevel: EDIT_LEVEL },
    }),
  });
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  [browser, pages] = await Promise.all([
    launchChromium(),
    startTestPageServer(pagePort, stack.etherpad.url),
  ]);
  [owner, editor, reader, stranger] = [
    await stack.user("owner"),
    await stack.user("editor"),
    await stack.user("reader"),
    await stack.user("stranger"),
  ];
  room = await padRoom(stack, owner);
  await editor.client.join(room.roomId);
  await reader.client.join(room.roomId);
  await owner.client.setPowerLevel(room.roomId, editor.user.userId, EDIT_LEVEL);
  await etherpad.setText(room.padId, "Agenda\n");
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await pages?.close();
  await stack?.stop();
});

/** Opens the test client for `who` (its own cookie jar) with the pad widget embedded. */
async function openWidget(who: TestUser): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  // Browser-side problems show up in the test output.
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[chromium ${who.user.userId}] ${m.text()}`);
  });
  page.on("pageerror", (e) =>
    console.log(`[chromium ${who.user.userId}] page error: ${e.message}`),
  );
  await page.exposeFunction("atriumMintOpenId", () => who.client.requestOpenIdToken());
  const query = new URLSearchParams({
    widgetUrl: room.templateUrl,
    widgetId: room.widgetId,
    roomId: room.roomId,
    userId: who.user.userId,
  });
  await page.goto(`${pages.url}/atrium-test/client.html?${query.toString()}`);
  return page;
}

/** The widget iframe's frame once it shows Etherpad (the page navigated to the pad). */
async function padFrame(page: Page): Promise<Frame> {
  const padBase = `${stack.config.etherpad.publicUrl ?? stack.config.etherpad.url}/p/`;
  return waitFor(
    "the widget to open the pad",
    async () => page.frames().find((f) => f.url().startsWith(padBase)),
    {
      timeoutMs: 30_000,
      describeLast: () =>
        `frames: ${page
          .frames()
          .map((f) => f.url())
          .join(", ")}`,
    },
  );
}

/** The editable body of Etherpad's editor (ace_outer → ace_inner → #innerdocbody). */
function editorBody(page: Page) {
  return page
    .frameLocator("#widget")
    .frameLocator('iframe[name="ace_outer"]')
    .frameLocator('iframe[name="ace_inner"]')
    .locator("#innerdocbody");
}

describe("the pad widget in Chromium", () => {
  it("lets a member reach the pad and type; Etherpad's API reads the text back", async () => {
    const page = await openWidget(editor);
    const frame = await padFrame(page);
    expect(decodeURIComponent(new URL(frame.url()).pathname)).toBe(`/p/${room.padId}`);
    const body = editorBody(page);
    await body.locator("text=Agenda").waitFor({ timeout: 30_000 });
    expect(await body.getAttribute("contenteditable")).toBe("true");
    await body.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("typed in Chromium by a member");
    await waitFor(
      "Etherpad to hold the typed text",
      async () =>
        (await etherpad.getText(room.padId)).includes("typed in Chromium by a member")
          ? true
          : undefined,
      { timeoutMs: 20_000, describeLast: () => "the text did not arrive" },
    );
    expect(await etherpad.getText(room.padId)).toMatch(/^Agenda\n?typed in Chromium by a member/);
  });

  it("refuses a user who is not in the room, on the page, and opens no pad", async () => {
    const page = await openWidget(stranger);
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
    expect(await widget.locator("#error").textContent()).toContain("not a member of this room");
    expect(page.frames().some((f) => f.url().includes("/p/"))).toBe(false);
    const author = await etherpad.authorForUser(stranger.user.userId);
    expect(await etherpad.listSessionsOfAuthor(author)).toEqual([]);
  });

  it("gives a member below the edit level Atrium's read-only view, which does not take typing", async () => {
    const page = await openWidget(reader);
    // No Etherpad session for a reader (issue 22 item 1): Atrium's own view, not /p/r.….
    const frame = await waitFor(
      "the widget to open the read-only view",
      async () => page.frames().find((f) => f.url().includes("/atrium/pad/view/")),
      {
        timeoutMs: 30_000,
        describeLast: () =>
          page
            .frames()
            .map((f) => f.url())
            .join(", "),
      },
    );
    const text = page.frameLocator("#widget").locator("#pad-text");
    await text.getByText("typed in Chromium by a member").waitFor({ timeout: 30_000 });
    expect(frame.url()).not.toContain(room.padId.split("$")[0]);
    const before = await etherpad.getText(room.padId);
    await text.click();
    await page.keyboard.type("reader tries to write");
    await page.waitForTimeout(3000);
    expect(await etherpad.getText(room.padId)).toBe(before);
    const author = await etherpad.authorForUser(reader.user.userId);
    expect(await etherpad.listSessionsOfAuthor(author)).toEqual([]);
  });

  it("never shows a member below the edit level the editable pad id", async () => {
    // The room state (what every member's client holds) does not contain it…
    const state = JSON.stringify(await reader.client.getAllState(room.roomId));
    expect(state).not.toContain(room.padId);
    expect(state).not.toContain(room.padId.split("$")[0]);
    // …and neither does the grant: the page only ever learns the read-only id.
    const grant = await askForSession(stack, room, await reader.client.requestOpenIdToken());
    expect(grant.status).toBe(200);
    expect(grant.body.readOnly).toBe(true);
    expect(JSON.stringify(grant.body)).not.toContain(room.padId.split("$")[0]);
  });
});
