/**
 * The pad widget in real Chromium: a test page plays the Matrix client (matrix-widget-api's
 * ClientWidgetApi, handing out real OpenID tokens minted by Synapse) and embeds the pad widget
 * page the appservice serves. A member reaches the pad and types; Etherpad's API reads the text
 * back. A non-member is refused on the page. A member below the edit level gets Atrium's
 * read-only view and no Etherpad session. Etherpad runs with requireSession and editOnly, so only the session the appservice opened
 * lets the browser in.
 */
import type { Frame, Page } from "playwright-core";
import type { TestUser } from "../harness/atrium";
import { useWorld } from "../harness/world";
import { frameWhere, openTestClient, refusedWidget, typeInPad } from "./browser";
import { askForSession } from "./pad-room";
import { padPeople, padsThroughTestPages } from "./pad-world";

const EDIT_LEVEL = 10;
const w = useWorld(async (scope) => {
  const opened = await padsThroughTestPages(scope, (c) => ({
    ...c,
    permissions: { ...c.permissions, padEditPowerLevel: EDIT_LEVEL },
  }));
  const world = await padPeople(opened.stack, {
    members: ["editor", "reader"],
    others: ["stranger"],
    text: "Agenda\n",
  });
  await world.owner.client.setPowerLevel(world.room.roomId, world.editor.user.userId, EDIT_LEVEL);
  return { ...opened, ...world };
});

/** Opens the test client for `who` (its own cookie jar) with the pad widget embedded. */
async function openWidget(who: TestUser): Promise<Page> {
  const context = await w.browsers.newContext(w.browser);
  // Browser-side problems show up in the test output.
  context.on("console", (m) => {
    if (m.type() === "error") console.log(`[chromium ${who.user.userId}] ${m.text()}`);
  });
  return openTestClient(context, w.pages.url, who, w.room);
}

/** The widget iframe's frame once it shows Etherpad (the page navigated to the pad). */
function padFrame(page: Page): Promise<Frame> {
  const padBase = `${w.stack.config.etherpad.publicUrl ?? w.stack.config.etherpad.url}/p/`;
  return frameWhere(page, "the widget to open the pad", (url) => url.startsWith(padBase));
}

describe("the pad widget in Chromium", () => {
  it("lets a member reach the pad and type; Etherpad's API reads the text back", async () => {
    const page = await openWidget(w.editor);
    const frame = await padFrame(page);
    expect(decodeURIComponent(new URL(frame.url()).pathname)).toBe(`/p/${w.room.padId}`);
    await typeInPad(page, page.frameLocator("#widget"), "typed in Chromium by a member", () =>
      w.etherpad.getText(w.room.padId),
    );
    expect(await w.etherpad.getText(w.room.padId)).toMatch(
      /^Agenda\n?typed in Chromium by a member/,
    );
  });

  it("refuses a user who is not in the room, on the page, and opens no pad", async () => {
    const page = await openWidget(w.stranger);
    const widget = await refusedWidget(page);
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
    expect(await widget.locator("#error").textContent()).toContain("not a member of this room");
    expect(page.frames().some((f) => f.url().includes("/p/"))).toBe(false);
    const author = await w.etherpad.authorForUser(w.stranger.user.userId);
    expect(await w.etherpad.listSessionsOfAuthor(author)).toEqual([]);
  });

  it("gives a member below the edit level Atrium's read-only view, which does not take typing", async () => {
    const page = await openWidget(w.reader);
    // No Etherpad session for a reader (issue 22 item 1): Atrium's own view, not /p/r.….
    const frame = await frameWhere(page, "the widget to open the read-only view", (url) =>
      url.includes("/atrium/pad/view/"),
    );
    const text = page.frameLocator("#widget").locator("#pad-text");
    await text.getByText("typed in Chromium by a member").waitFor({ timeout: 30_000 });
    expect(frame.url()).not.toContain(w.room.padId.split("$")[0]);
    const before = await w.etherpad.getText(w.room.padId);
    await text.click();
    await page.keyboard.type("reader tries to write");
    await page.waitForTimeout(3000);
    expect(await w.etherpad.getText(w.room.padId)).toBe(before);
    const author = await w.etherpad.authorForUser(w.reader.user.userId);
    expect(await w.etherpad.listSessionsOfAuthor(author)).toEqual([]);
  });

  it("never shows a member below the edit level the editable pad id", async () => {
    // The room state (what every member's client holds) does not contain it…
    const state = JSON.stringify(await w.reader.client.getAllState(w.room.roomId));
    expect(state).not.toContain(w.room.padId);
    expect(state).not.toContain(w.room.padId.split("$")[0]);
    // …and neither does the grant: the page only ever learns the read-only id.
    const grant = await askForSession(w.stack, w.room, await w.reader.client.requestOpenIdToken());
    expect(grant.status).toBe(200);
    expect(grant.body.readOnly).toBe(true);
    expect(JSON.stringify(grant.body)).not.toContain(w.room.padId.split("$")[0]);
  });
});
