/**
 * Read-only members and demotion against the real Etherpad 1.8.14 (requireSession, editOnly):
 * Etherpad's sessions are per group, so any session of a room's group opens every pad of the
 * room for writing, whatever URL Atrium sent the browser to (issue 22, item 1). A member below
 * the edit level must therefore hold no Etherpad session at all, and a demoted editor's session
 * must stop working within seconds, also on a socket that was already open.
 */
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";
import { command } from "../appservice/fixtures";
import { clientReady } from "./etherpad-socket";
import { openPadWriter } from "./etherpad-writer";
import { askForSession, padRoom, type PadRoom } from "./pad-room";

const EDIT_LEVEL = 10;
let stack: AtriumStack;
let etherpad: EtherpadClient;
let owner: TestUser;
let editor: TestUser;
let reader: TestUser;
let room: PadRoom;

beforeAll(async () => {
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      permissions: { ...c.permissions, padEditPowerLevel: EDIT_LEVEL },
    }),
  });
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  [owner, editor, reader] = [
    await stack.user("owner"),
    await stack.user("editor"),
    await stack.user("reader"),
  ];
  room = await padRoom(stack, owner);
  await editor.client.join(room.roomId);
  await reader.client.join(room.roomId);
  await owner.client.setPowerLevel(room.roomId, editor.user.userId, EDIT_LEVEL);
  await etherpad.setText(room.padId, "Minutes of the board\n");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** Sessions Etherpad holds for a Matrix user (through the author Atrium maps them to). */
async function sessionsOf(user: TestUser): Promise<string[]> {
  const author = await etherpad.authorForUser(user.user.userId);
  return (await etherpad.listSessionsOfAuthor(author)).map((s) => s.sessionId);
}

describe("a member below the edit level", () => {
  it("gets no Etherpad session, so no cookie of theirs opens the writable pad id", async () => {
    const grant = await askForSession(stack, room, await reader.client.requestOpenIdToken());
    expect(grant.status).toBe(200);
    expect(grant.body.readOnly).toBe(true);
    // Whatever the answer set, it must not let the real pad id open on Etherpad's socket.
    if (grant.sessionId) {
      expect(await clientReady(stack.etherpad.url, room.padId, grant.sessionId)).toBe("deny");
    }
    expect(grant.sessionId).toBeNull();
    expect(await sessionsOf(reader)).toEqual([]);
  });

  it("reads the pad through Atrium's read-only view, which shows the text and takes no edits", async () => {
    const grant = await askForSession(stack, room, await reader.client.requestOpenIdToken());
    const url = new URL(String(grant.body.url), stack.config.web.publicUrl);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain("Minutes of the board");
    expect(html).not.toContain(room.padId.split("$")[0]);
    // The view follows the pad: a later edit shows on the next load.
    await etherpad.setText(room.padId, "Minutes of the board\nsecond item\n");
    expect(await (await fetch(url)).text()).toContain("second item");
  });

  it("loses the read-only view as soon as they leave the room", async () => {
    const grant = await askForSession(stack, room, await reader.client.requestOpenIdToken());
    const url = new URL(String(grant.body.url), stack.config.web.publicUrl);
    expect((await fetch(url)).status).toBe(200);
    await reader.client.leave(room.roomId);
    const after = await fetch(url);
    expect(after.status).toBe(403);
    expect(await after.text()).not.toContain("Minutes of the board");
    await reader.client.join(room.roomId);
  });

  it("holds no session for an archived pad of the room either", async () => {
    await command(stack, owner, room.roomId, "!pad draft");
    const pads = await etherpad.listPads(room.padId.split("$")[0]!);
    const draftId = pads.find((p) => p !== room.padId);
    expect(draftId).toBeDefined();
    const reply = await command(stack, owner, room.roomId, "!remove draft");
    expect(String(reply.content.body)).toMatch(/archived|removed/i);
    const grant = await askForSession(stack, room, await reader.client.requestOpenIdToken());
    expect(grant.status).toBe(200);
    const sessions = await sessionsOf(reader);
    for (const s of sessions) {
      expect(await clientReady(stack.etherpad.url, String(draftId), s)).toBe("deny");
    }
    expect(sessions).toEqual([]);
  });
});

describe("an editor who is demoted", () => {
  it("can no longer write, within seconds: not on the pad they had open, not with their session", async () => {
    const grant = await askForSession(stack, room, await editor.client.requestOpenIdToken());
    expect(grant.body.readOnly).toBe(false);
    const session = String(grant.sessionId);
    const writer = await openPadWriter(stack.etherpad.url, room.padId, session);
    try {
      expect(await writer.type("typed before the demotion ")).toBe("accepted");
      expect(await etherpad.getText(room.padId)).toContain("typed before the demotion");

      const demotedAt = Date.now();
      await owner.client.setPowerLevel(room.roomId, editor.user.userId, 0);
      // The pad stays open in the editor's browser; each keystroke is a USER_CHANGES.
      await waitFor(
        "the open pad to lose write access",
        async () => ((await writer.type("x")) === "denied" ? true : undefined),
        { timeoutMs: 10_000, intervalMs: 250, describeLast: () => "Etherpad still accepts edits" },
      );
      const seconds = (Date.now() - demotedAt) / 1000;
      process.stdout.write(`demotion to write refused on the open pad: ${seconds.toFixed(1)} s\n`);
      const text = await etherpad.getText(room.padId);
      expect(await writer.type("typed after the demotion")).toBe("denied");
      expect(await etherpad.getText(room.padId)).toBe(text);
    } finally {
      writer.close();
    }
    expect(await clientReady(stack.etherpad.url, room.padId, session)).toBe("deny");
    expect(await sessionsOf(editor)).toEqual([]);
    // Opened again, the pad is read-only and comes with no session.
    const again = await askForSession(stack, room, await editor.client.requestOpenIdToken());
    expect(again.body.readOnly).toBe(true);
    expect(again.sessionId).toBeNull();
  });
});
