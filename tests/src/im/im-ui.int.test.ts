/**
 * The integration manager UI in real Chromium, against real Synapse, Etherpad and the
 * appservice. A test host page on its own origin plays Element (fixtures/host.js): it registers
 * with the IM using a real OpenID token, opens the IM iframe with Element's query parameters and
 * answers ScalarMessaging as INTEGRATION-MANAGER.md §4 describes. People use the UI by its roles
 * and labels; the tests then read the room state in Synapse and the pads in Etherpad.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { FrameLocator } from "playwright-core";
import { createEtherpadClient } from "@atrium/etherpad";
import type { TestUser } from "../harness/atrium";
import { Browsers } from "../harness/chromium";
import { waitFor } from "../harness/wait";
import { command, roomWithBot, widgetsIn, WIDGETS } from "../appservice/fixtures";
import { rss } from "../feeds/feed-server";
import { openIm, startHostServer, type OpenOptions } from "./host";
import { useImRoom } from "./fixtures";

const SCREENSHOTS = path.join(__dirname, "..", "..", "..", "docs", "screenshots");
const LAYOUT = "io.element.widgets.layout";

const w = useImRoom("Team", async (stack, scope) => {
  const browsers = new Browsers(scope);
  const [browser, host] = await Promise.all([browsers.launch(), startHostServer()]);
  scope.onStop(() => host.close());
  return {
    etherpad: createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey }),
    browsers,
    browser,
    host,
  };
});

function open(who: TestUser, opts: Partial<OpenOptions> & { roomId?: string } = {}) {
  return openIm(w.browsers, w.browser, w.stack, w.host, who, {
    roomId: w.roomId,
    roomName: "Team",
    ...opts,
  });
}

/** Waits for the outcome region to say `text` (the server's message for people). */
async function outcome(im: FrameLocator, text: string | RegExp): Promise<void> {
  await im.getByRole("status").filter({ hasText: text }).waitFor({ timeout: 30_000 });
}

/** The ids of the room's current state events: any change replaces one. */
async function stateIds(id: string): Promise<string[]> {
  return (await w.owner.client.getAllState(id)).map((e) => e.event_id).sort();
}

/** The room's live widget events of one type, by state key. */
async function widgetsOfType(roomIdOf: string, type: string) {
  return [...(await widgetsIn(w.owner, roomIdOf)).entries()].filter(
    ([, widget]) => widget.type === type,
  );
}

describe("the integration manager UI", () => {
  it("adds a pad, a conference and a web page; the room state and Etherpad have them", async () => {
    const { im, problems, hostLog } = await open(w.owner);
    await im.getByRole("heading", { name: "Extensions", level: 1 }).waitFor();

    // The pad name rule is checked while typing, with the reason shown next to the field.
    const padName = im.getByLabel("Pad name");
    await padName.fill("team notes");
    await im.getByText("Pad names cannot contain spaces").waitFor();
    await padName.fill("minutes");
    await im.getByRole("button", { name: "Add pad" }).click();
    await outcome(im, 'Added the pad "minutes"');
    const [[, pad]] = (await widgetsOfType(w.roomId, "m.etherpad")) as [
      [string, Record<string, unknown>],
    ];
    expect(pad.name).toBe("minutes");
    const group = await w.etherpad.groupForRoom(w.roomId);
    expect(await w.etherpad.listPads(group)).toContain(`${group}$minutes`);
    // Written again through Element (send_event): its sender, Element's creator, is the person
    // who added it, so Element asks them no "Widget added by Atrium — Continue?".
    const [[padId]] = (await widgetsOfType(w.roomId, "m.etherpad")) as [[string, unknown]];
    const padEvent = await waitFor(
      "the pad's widget event sent by the person who added it",
      async () => {
        const e = (await w.owner.client.getAllState(w.roomId)).find(
          (ev) => ev.type === WIDGETS && ev.state_key === padId,
        );
        return e?.sender === w.owner.user.userId ? e : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(padEvent.content).toMatchObject({
      id: padId,
      type: "m.etherpad",
      creatorUserId: w.owner.user.userId,
      name: "minutes",
    });
    expect((await hostLog()).some((e) => e.dir === "request" && e.action === "send_event")).toBe(
      true,
    );

    // A room of two people: the server asks first, "Add anyway" forces it.
    await im.getByRole("button", { name: "Add conference" }).click();
    await im.getByText("Fewer than three people").waitFor();
    // People, with the bot named apart (the owner and a member: Element says "3 members").
    await im
      .getByRole("group")
      .getByText(/This room has 2 people \(and Atrium's bot\)\. For two people/)
      .waitFor();
    await im.getByRole("button", { name: "Add anyway" }).click();
    await outcome(im, /Added|conference/i);
    const conferences = await widgetsOfType(w.roomId, "jitsi");
    expect(conferences).toHaveLength(1);
    expect(conferences[0]![1].data).toMatchObject({ isAudioOnly: false });

    // The URL rule refuses private addresses as the user types.
    const address = im.getByLabel("Address");
    await address.fill("http://127.0.0.1/admin");
    await im.getByText("The widget URL points at 127.0.0.1").waitFor();
    await address.fill("https://example.org/board");
    await im.getByLabel("Name (optional)").fill("Board");
    await im.getByRole("button", { name: "Add web page" }).click();
    await outcome(im, 'Added the widget "Board"');
    const pages = [...(await widgetsIn(w.owner, w.roomId)).values()].filter(
      (widget) => widget.url === "https://example.org/board",
    );
    expect(pages).toHaveLength(1);
    expect(pages[0]!.name).toBe("Board");

    const list = im.getByRole("list", { name: "Extensions in this room" });
    await expect(list.getByRole("listitem").count()).resolves.toBe(3);

    // The IM asked Element for nothing but to write each added widget as the person (one
    // send_event per add), and nothing broke the CSP.
    expect(
      (await hostLog()).filter((e) => e.dir === "request").map((e) => [e.action, e.data?.type]),
    ).toEqual([
      ["send_event", WIDGETS],
      ["send_event", WIDGETS],
      ["send_event", WIDGETS],
    ]);
    expect(problems).toEqual([]);
  });

  it("takes screenshots in Element's light and dark themes", async () => {
    await fs.mkdir(SCREENSHOTS, { recursive: true });
    for (const theme of ["light", "dark"] as const) {
      const { page, im } = await open(w.owner, { theme, height: 760 });
      await im.getByRole("list", { name: "Extensions in this room" }).waitFor();
      const background = await im.locator("body").evaluate(
        (b) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown): { backgroundColor: string };
            }
          ).getComputedStyle(b).backgroundColor,
      );
      // Dark canvas is near black, light is white.
      expect(background === "rgb(255, 255, 255)").toBe(theme === "light");
      await page.locator("#im").screenshot({ path: path.join(SCREENSHOTS, `im-${theme}.png`) });
    }
  });

  it("opens straight on the edit view of an existing widget, then pins, unpins and removes it", async () => {
    const pageId = [...(await widgetsIn(w.owner, w.roomId)).entries()].find(
      ([, widget]) => widget.name === "Board",
    )?.[0];
    expect(pageId).toBeDefined();
    const { im } = await open(w.owner, { screen: "type_m.custom", integId: pageId });
    await im.getByRole("heading", { name: "Board", level: 2 }).waitFor();
    await expect(im.getByText("https://example.org/board").isVisible()).resolves.toBe(true);
    // The edit view shows one widget, not the add forms.
    await expect(im.getByRole("button", { name: "Add pad" }).count()).resolves.toBe(0);

    await im.getByRole("button", { name: "Pin Board" }).click();
    await outcome(im, /pinned/i);
    const layout = await w.owner.client.waitForState<{
      widgets?: Record<string, { container?: string }>;
    }>(w.roomId, LAYOUT, "", (c) => c.widgets?.[pageId!]?.container === "top");
    expect(layout.widgets?.[pageId!]?.container).toBe("top");
    await im.getByRole("button", { name: "Unpin Board" }).click();
    await w.owner.client.waitForState<{ widgets?: Record<string, { container?: string }> }>(
      w.roomId,
      LAYOUT,
      "",
      (c) => c.widgets?.[pageId!]?.container !== "top",
    );

    await im.getByRole("button", { name: "Remove Board" }).click();
    await im.getByRole("button", { name: "Confirm removing Board" }).click();
    // Back on the home view, without the page; the widget event is emptied in Synapse.
    await im.getByRole("heading", { name: "In this room" }).waitFor();
    await outcome(im, 'Removed "Board"');
    expect(await w.owner.client.getState(w.roomId, WIDGETS, pageId!)).toEqual({});
  });

  it("follows a feed from the Feeds section: preview, add (the room gets the newest entry), pause, resume", async () => {
    w.feedServer.set("/news.xml", {
      body: rss("Example news", [
        {
          guid: "n2",
          title: "Launch day",
          link: "https://example.org/launch",
          date: new Date(Date.now() - 3_600_000),
        },
        {
          guid: "n1",
          title: "Older news",
          link: "https://example.org/older",
          date: new Date(Date.now() - 86_400_000),
        },
      ]),
    });
    const { im, problems } = await open(w.owner);
    await im.getByRole("heading", { name: "Feeds", level: 2 }).waitFor();
    await im.getByText("This room follows no feeds yet.").waitFor();

    // The address rule is checked while typing; the server's guard decides private addresses.
    const url = im.getByLabel("Feed URL");
    await url.fill("ftp://example.org/feed");
    await im.getByText("Only http:// and https:// feeds can be followed.").waitFor();
    await url.fill(w.feedServer.url("/news.xml"));
    await im.getByLabel("Label (optional)").fill("News");

    // Preview: the newest entry as it would be posted, and nothing is posted.
    await im.getByRole("button", { name: "Preview" }).click();
    const preview = im.getByRole("figure", { name: "Preview of the newest entry" });
    await preview.waitFor();
    expect(await preview.locator("blockquote").textContent()).toBe(
      "News: Launch day (https://example.org/launch)\nAbout Launch day",
    );
    await expect(preview.getByRole("link").getAttribute("href")).resolves.toBe(
      "https://example.org/launch",
    );
    const posted = async () =>
      (await w.owner.client.messages(w.roomId, 100)).filter(
        (e) => e.sender === w.stack.botUserId && String(e.content.body).includes("Launch day"),
      );
    expect(await posted()).toEqual([]);

    await im.getByRole("button", { name: "Add feed" }).click();
    await outcome(im, /Following "News" \(#1, .*Its newest entry follows/);
    const notice = await w.owner.client.waitForMessage(
      w.roomId,
      (e) => e.sender === w.stack.botUserId && String(e.content.body).includes("Launch day"),
      20_000,
    );
    expect(notice.content).toMatchObject({
      msgtype: "m.notice",
      body: "News: Launch day (https://example.org/launch)\nAbout Launch day",
    });
    const feeds = im.getByRole("list", { name: "Feeds of this room" });
    const row = feeds.getByRole("listitem", { name: "News" });
    await row.getByText(w.feedServer.url("/news.xml")).waitFor();
    await row.getByText("Active").waitFor();
    // The form is emptied for the next feed.
    await expect(url.inputValue()).resolves.toBe("");

    await im.getByRole("button", { name: "Pause News" }).click();
    await outcome(im, 'Paused "News"; entries published meanwhile are not posted.');
    await row.getByText("Paused").waitFor();
    await im.getByRole("button", { name: "Resume News" }).click();
    await outcome(im, 'Resumed "News"');
    await row.getByText("Active").waitFor();

    // The server's refusals are shown as they are: an internal address, which no fetch reaches.
    await url.fill(`http://127.0.0.1:${w.canary.port}/feed`);
    await im.getByRole("button", { name: "Add feed" }).click();
    await outcome(im, /private or local network.*Nothing was added/);
    expect(w.canary.connections()).toBe(0);
    await url.fill("");
    // Keyboard: Enter in the address field submits the form (here, refused while typing).
    await url.press("Enter");
    await im.getByText("Give the feed's address.").waitFor();
    expect(problems).toEqual([]);
  });

  it("refuses feed changes to a member without power, who may still preview, at phone width", async () => {
    const { im, page } = await open(w.member, { width: 360, height: 640 });
    await im.getByText("You cannot manage feeds here").waitFor();
    await im
      .getByText("needs power level 50 (the room's level for changing settings); yours is 0")
      .waitFor();
    await expect(im.getByRole("button", { name: "Add feed" }).isDisabled()).resolves.toBe(true);
    await expect(im.getByRole("button", { name: "Pause News" }).isDisabled()).resolves.toBe(true);
    await expect(im.getByRole("button", { name: "Remove News" }).isDisabled()).resolves.toBe(true);
    await im.getByLabel("Feed URL").fill(w.feedServer.url("/news.xml"));
    await im.getByRole("button", { name: "Preview" }).click();
    await im.getByRole("figure", { name: "Preview of the newest entry" }).waitFor();
    const overflow = await im.locator("html").evaluate((h) => h.scrollWidth - h.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // The server refuses the same action if someone calls the API anyway.
    const token = await page.evaluate(
      () => (globalThis as unknown as { atriumHost: { token: string } }).atriumHost.token,
    );
    const refused = await fetch(
      `${w.stack.imUrl}/api/atrium/rooms/${encodeURIComponent(w.roomId)}/feeds/1`,
      { method: "DELETE", headers: { Authorization: `Bearer ${token}` } },
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errcode: "M_FORBIDDEN", neededLevel: 50 });
    const list = await command(w.stack, w.owner, w.roomId, "!feed list");
    expect(String(list.content.body)).toMatch(/#1 News — .* \(active\)/);
  });

  it("removes a feed after a confirmation", async () => {
    const { im } = await open(w.owner);
    await im.getByRole("button", { name: "Remove News" }).click();
    // The confirmation takes the focus: Enter confirms from the keyboard.
    const confirm = im.getByRole("button", { name: "Confirm removing News" });
    await expect(confirm.evaluate((b) => b === b.ownerDocument.activeElement)).resolves.toBe(true);
    await confirm.press("Enter");
    await outcome(im, 'Removed the feed "News"; nothing more will be posted from it.');
    await im.getByText("This room follows no feeds yet.").waitFor();
    const list = await command(w.stack, w.owner, w.roomId, "!feed list");
    expect(String(list.content.body)).toMatch(/follows no feeds/);
  });

  it("falls back to the home view on an unknown screen", async () => {
    const { im } = await open(w.owner, { screen: "type_m.stickerpicker", integId: "nope" });
    await im.getByRole("heading", { name: "In this room" }).waitFor();
    await expect(im.getByRole("button", { name: "Add pad" }).isEnabled()).resolves.toBe(true);
  });

  it("tells a member without power the level needed and theirs, and changes nothing", async () => {
    const before = await stateIds(w.roomId);
    const { im, page } = await open(w.member);
    await im.getByText("needs power level 50; yours is 0").waitFor();
    await expect(im.getByRole("button", { name: "Add pad" }).isDisabled()).resolves.toBe(true);
    await expect(im.getByRole("button", { name: "Remove minutes" }).isDisabled()).resolves.toBe(
      true,
    );
    await expect(im.getByRole("button", { name: "Pin minutes" }).isDisabled()).resolves.toBe(true);
    // The server refuses the same action if someone calls the API anyway.
    const token = await page.evaluate(
      () => (globalThis as unknown as { atriumHost: { token: string } }).atriumHost.token,
    );
    const refused = await fetch(
      `${w.stack.imUrl}/api/atrium/rooms/${encodeURIComponent(w.roomId)}/widgets`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ kind: "etherpad", name: "sneaky" }),
      },
    );
    expect(refused.status).toBe(403);
    expect(await stateIds(w.roomId)).toEqual(before);
  });

  it("tells someone who is not in the room so, and shows nothing of it", async () => {
    const { im } = await open(w.stranger);
    // The room view answers members only (issue 22 item 14): no form, no list, no room details.
    await im.getByText("You are not a member of this room").waitFor();
    await expect(im.getByText("Cannot show this room").count()).resolves.toBe(1);
    await expect(im.getByRole("button", { name: "Add pad" }).count()).resolves.toBe(0);
    await expect(im.getByRole("list", { name: "Extensions in this room" }).count()).resolves.toBe(
      0,
    );
  });

  it("works in an encrypted room (it only writes state events)", async () => {
    const encrypted = await roomWithBot(w.stack, w.owner, { name: "Secret", encrypted: true });
    const { im } = await open(w.owner, { roomId: encrypted, roomName: "Secret" });
    await im.getByLabel("Pad name").fill("plans");
    await im.getByRole("button", { name: "Add pad" }).click();
    await outcome(im, 'Added the pad "plans"');
    expect((await widgetsOfType(encrypted, "m.etherpad")).map(([, widget]) => widget.name)).toEqual(
      ["plans"],
    );
  });

  it("invites Atrium's bot with the user's click and gives it the widget level, nothing more", async () => {
    const bare = await w.owner.client.createRoom({ preset: "public_chat", name: "No bot" });
    const { im, hostLog } = await open(w.owner, { roomId: bare, roomName: "No bot" });
    await im.getByText("Atrium's bot is not in this room").waitFor();
    await expect(im.getByRole("button", { name: "Add pad" }).isDisabled()).resolves.toBe(true);
    await im.getByRole("button", { name: "Invite Atrium's bot" }).click();
    await im
      .getByText("Atrium's bot is not in this room")
      .waitFor({ state: "detached", timeout: 30_000 });
    await waitFor("the forms to open", async () =>
      (await im.getByRole("button", { name: "Add pad" }).isEnabled()) ? true : undefined,
    );

    const members = await w.owner.client.getState<{ membership: string }>(
      bare,
      "m.room.member",
      w.stack.botUserId,
    );
    expect(members?.membership).toBe("join");
    const power = await w.owner.client.getState<{ users: Record<string, number> }>(
      bare,
      "m.room.power_levels",
    );
    expect(power?.users[w.stack.botUserId]).toBe(50);

    const requests = (await hostLog()).filter((e) => e.dir === "request");
    expect(requests.map((e) => e.action)).toEqual(["invite", "set_bot_power"]);
    expect(requests[0]!.data).toEqual({
      action: "invite",
      room_id: bare,
      user_id: w.stack.botUserId,
      request_id: expect.any(String),
    });
    expect(requests[1]!.data).toMatchObject({ level: 50, ignoreIfGreater: true });
    expect(requests.every((e) => !("api" in (e.data ?? {})))).toBe(true);
  });

  it("is readable at phone width and closes through close_scalar", async () => {
    const { im, page, hostLog } = await open(w.owner, { width: 360, height: 640 });
    await im.getByRole("list", { name: "Extensions in this room" }).waitFor();
    const overflow = await im.locator("html").evaluate((h) => h.scrollWidth - h.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await im.getByRole("button", { name: "Close" }).click();
    await page.locator('body[data-state="closed"]').waitFor({ state: "attached" });
    expect((await hostLog()).some((e) => e.dir === "reply" && e.action === "close_scalar")).toBe(
      true,
    );
  });
});
