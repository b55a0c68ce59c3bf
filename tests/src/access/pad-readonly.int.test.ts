/**
 * Read-only members and demotion against the real Etherpad 1.8.14 (requireSession, editOnly):
 * Etherpad's sessions are per group, so any session of a room's group opens every pad of the
 * room for writing, whatever URL Atrium sent the browser to (issue 22, item 1). A member below
 * the edit level must therefore hold no Etherpad session at all, and a demoted editor's session
 * must stop working within seconds, also on a socket that was already open.
 */
import { useAtrium } from "../harness/world";
import { waitFor } from "../harness/wait";
import { command } from "../appservice/fixtures";
import { clientReady } from "./etherpad-socket";
import { openPadWriter } from "./etherpad-writer";
import { askForSession } from "./pad-room";
import { padPeople, sessionsOf } from "./pad-world";

const EDIT_LEVEL = 10;
const w = useAtrium(
  { config: (c) => ({ ...c, permissions: { ...c.permissions, padEditPowerLevel: EDIT_LEVEL } }) },
  async (stack) => {
    const world = await padPeople(stack, {
      members: ["editor", "reader"],
      text: "Minutes of the board\n",
    });
    await world.owner.client.setPowerLevel(world.room.roomId, world.editor.user.userId, EDIT_LEVEL);
    return world;
  },
);

describe("a member below the edit level", () => {
  it("gets no Etherpad session, so no cookie of theirs opens the writable pad id", async () => {
    const grant = await askForSession(w.stack, w.room, await w.reader.client.requestOpenIdToken());
    expect(grant.status).toBe(200);
    expect(grant.body.readOnly).toBe(true);
    // Whatever the answer set, it must not let the real pad id open on Etherpad's socket.
    if (grant.sessionId) {
      expect(await clientReady(w.stack.etherpad.url, w.room.padId, grant.sessionId)).toBe("deny");
    }
    expect(grant.sessionId).toBeNull();
    expect(await sessionsOf(w.etherpad, w.reader)).toEqual([]);
  });

  it("reads the pad through Atrium's read-only view, which shows the text and takes no edits", async () => {
    const grant = await askForSession(w.stack, w.room, await w.reader.client.requestOpenIdToken());
    const url = new URL(String(grant.body.url), w.stack.config.web.publicUrl);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain("Minutes of the board");
    expect(html).not.toContain(w.room.padId.split("$")[0]);
    // The view follows the pad: a later edit shows on the next load.
    await w.etherpad.setText(w.room.padId, "Minutes of the board\nsecond item\n");
    expect(await (await fetch(url)).text()).toContain("second item");
  });

  it("loses the read-only view as soon as they leave the room", async () => {
    const grant = await askForSession(w.stack, w.room, await w.reader.client.requestOpenIdToken());
    const url = new URL(String(grant.body.url), w.stack.config.web.publicUrl);
    expect((await fetch(url)).status).toBe(200);
    await w.reader.client.leave(w.room.roomId);
    const after = await fetch(url);
    expect(after.status).toBe(403);
    expect(await after.text()).not.toContain("Minutes of the board");
    await w.reader.client.join(w.room.roomId);
  });

  it("holds no session for an archived pad of the room either", async () => {
    await command(w.stack, w.owner, w.room.roomId, "!pad draft");
    const pads = await w.etherpad.listPads(w.room.padId.split("$")[0]!);
    const draftId = pads.find((p) => p !== w.room.padId);
    expect(draftId).toBeDefined();
    const reply = await command(w.stack, w.owner, w.room.roomId, "!remove draft");
    expect(String(reply.content.body)).toMatch(/archived|removed/i);
    const grant = await askForSession(w.stack, w.room, await w.reader.client.requestOpenIdToken());
    expect(grant.status).toBe(200);
    const sessions = await sessionsOf(w.etherpad, w.reader);
    for (const s of sessions) {
      expect(await clientReady(w.stack.etherpad.url, String(draftId), s)).toBe("deny");
    }
    expect(sessions).toEqual([]);
  });
});

describe("an editor who is demoted", () => {
  it("can no longer write, within seconds: not on the pad they had open, not with their session", async () => {
    const grant = await askForSession(w.stack, w.room, await w.editor.client.requestOpenIdToken());
    expect(grant.body.readOnly).toBe(false);
    const session = String(grant.sessionId);
    const writer = await openPadWriter(w.stack.etherpad.url, w.room.padId, session);
    try {
      expect(await writer.type("typed before the demotion ")).toBe("accepted");
      expect(await w.etherpad.getText(w.room.padId)).toContain("typed before the demotion");

      const demotedAt = Date.now();
      await w.owner.client.setPowerLevel(w.room.roomId, w.editor.user.userId, 0);
      // The pad stays open in the editor's browser; each keystroke is a USER_CHANGES.
      await waitFor(
        "the open pad to lose write access",
        async () => ((await writer.type("x")) === "denied" ? true : undefined),
        { timeoutMs: 10_000, intervalMs: 250, describeLast: () => "Etherpad still accepts edits" },
      );
      const seconds = (Date.now() - demotedAt) / 1000;
      process.stdout.write(`demotion to write refused on the open pad: ${seconds.toFixed(1)} s\n`);
      const text = await w.etherpad.getText(w.room.padId);
      expect(await writer.type("typed after the demotion")).toBe("denied");
      expect(await w.etherpad.getText(w.room.padId)).toBe(text);
    } finally {
      writer.close();
    }
    expect(await clientReady(w.stack.etherpad.url, w.room.padId, session)).toBe("deny");
    expect(await sessionsOf(w.etherpad, w.editor)).toEqual([]);
    // Opened again, the pad is read-only and comes with no session.
    const again = await askForSession(w.stack, w.room, await w.editor.client.requestOpenIdToken());
    expect(again.body.readOnly).toBe(true);
    expect(again.sessionId).toBeNull();
  });
});
