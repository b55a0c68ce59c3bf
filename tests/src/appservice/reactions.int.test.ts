/**
 * Room events: the third member brings the conference, a removed widget archives its pad,
 * a room upgrade carries widgets over, a rename renames the conference, rooms on demand.
 */
import { createEtherpadClient } from "@atrium/etherpad";
import { jitsiConferenceId } from "@atrium/widgets";
import type { TestUser } from "../harness/atrium";
import { useAtrium } from "../harness/world";
import { command, roomWithBot, widgetsIn, WIDGETS } from "./fixtures";

const w = useAtrium(
  { config: (c) => ({ ...c, jitsi: { ...c.jitsi!, autoConference: true } }) },
  async (stack) => ({
    alice: await stack.user("alice"),
    bob: await stack.user("bob"),
    carol: await stack.user("carol"),
    etherpad: createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey }),
  }),
);

const jitsiIn = async (who: TestUser, roomId: string) =>
  [...(await widgetsIn(who, roomId)).values()].find((widget) => widget.type === "jitsi");

it("adds the conference when joined people reach three, not before", async () => {
  const roomId = await roomWithBot(w.stack, w.alice);
  await w.bob.client.join(roomId);
  // Two people: the direct call fits; prove no conference arrives by sending a command the
  // bot answers after it has seen bob's join.
  await command(w.stack, w.alice, roomId, "!widgets");
  expect(await jitsiIn(w.alice, roomId)).toBeUndefined();
  await w.carol.client.join(roomId);
  const content = await w.alice.client.waitForState<{
    type?: string;
    data?: Record<string, unknown>;
  }>(roomId, WIDGETS, (await waitForJitsiKey(roomId))!);
  expect(content.data).toMatchObject({
    conferenceId: jitsiConferenceId(roomId),
    startWithAudioMuted: true,
  });
});

async function waitForJitsiKey(roomId: string): Promise<string | undefined> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const found = [...(await widgetsIn(w.alice, roomId)).entries()].find(
      ([, widget]) => widget.type === "jitsi",
    );
    if (found) return found[0];
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no Jitsi widget arrived in ${roomId} within 30 s`);
}

it("respects a room that turned the automatic conference off", async () => {
  const roomId = await roomWithBot(w.stack, w.alice);
  const reply = await command(w.stack, w.alice, roomId, "!autoconference off");
  expect(reply.content.body).toMatch(/off in this room/);
  await w.bob.client.join(roomId);
  await w.carol.client.join(roomId);
  await command(w.stack, w.alice, roomId, "!widgets");
  expect(await jitsiIn(w.alice, roomId)).toBeUndefined();
});

it("archives the pad when a user removes its widget from their client", async () => {
  const roomId = await roomWithBot(w.stack, w.alice);
  await command(w.stack, w.alice, roomId, "!pad notes");
  const [stateKey, widget] = [...(await widgetsIn(w.alice, roomId)).entries()][0]!;
  expect(widget.name).toBe("notes");
  const padId = `${await w.etherpad.groupForRoom(roomId)}$notes`;
  await w.etherpad.setText(padId, "keep me\n");
  await w.alice.client.sendState(roomId, WIDGETS, stateKey, {});
  // The bot has recorded the removal once `!widgets` no longer lists it.
  const deadline = Date.now() + 30_000;
  let listed = true;
  while (listed && Date.now() < deadline) {
    listed = /notes/.test(
      String((await command(w.stack, w.alice, roomId, "!widgets")).content.body),
    );
  }
  expect(listed).toBe(false);
  expect(await w.etherpad.getText(padId)).toBe("keep me\n");
});

it("carries widgets to the new room when the room is upgraded, pointing at the same pad", async () => {
  const roomId = await roomWithBot(w.stack, w.alice, { name: "Before" });
  await command(w.stack, w.alice, roomId, "!pad plan");
  const [widgetId, oldWidget] = [...(await widgetsIn(w.alice, roomId)).entries()][0]!;
  const { replacement_room: newRoomId } = await w.alice.client.request<{
    replacement_room: string;
  }>("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/upgrade`, {
    new_version: "10",
  });
  await w.alice.client.waitForMembership(newRoomId, w.stack.botUserId, "join", 30_000);
  const carried = await w.alice.client.waitForState<Record<string, unknown>>(
    newRoomId,
    WIDGETS,
    widgetId,
  );
  expect(carried).toMatchObject({
    type: "m.etherpad",
    name: "plan",
    url: oldWidget.url,
    data: oldWidget.data,
  });
  // Opening the carried widget (as its pad page does, with a real OpenID token) leads to the
  // old room's pad, and no second pad was made for the new room.
  const token = await w.alice.client.requestOpenIdToken();
  const res = await fetch(`${w.stack.webUrl}/atrium/pad/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomId: newRoomId, widgetId, openid: token }),
  });
  expect(res.status).toBe(200);
  const { url } = (await res.json()) as { url: string };
  const oldPad = `${await w.etherpad.groupForRoom(roomId)}$plan`;
  expect(decodeURIComponent(new URL(url).pathname)).toBe(`/p/${oldPad}`);
  expect(await w.etherpad.listPads(await w.etherpad.groupForRoom(newRoomId))).toEqual([]);
});

it("renames the conference when the room is renamed", async () => {
  const roomId = await roomWithBot(w.stack, w.alice, { name: "Old name" });
  await command(w.stack, w.alice, roomId, "!meet --force");
  const key = (await waitForJitsiKey(roomId))!;
  await w.alice.client.sendState(roomId, "m.room.name", "", { name: "New name" });
  const content = await w.alice.client.waitForState<{
    data?: { roomName?: string; conferenceId?: string };
  }>(roomId, WIDGETS, key, (c) => c.data?.roomName === "New name");
  expect(content.data?.conferenceId).toBe(jitsiConferenceId(roomId));
});

describe("rooms on demand", () => {
  /** The room's widgets once one is there (a room on demand is furnished on the join). */
  async function furnished(who: TestUser, roomId: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const widgets = await widgetsIn(who, roomId);
      if (widgets.size > 0 || Date.now() > deadline) return widgets;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  it("joining #pad_<name> creates the room with its pad widget pinned; the joiner moderates", async () => {
    const roomId = await w.bob.client.join("#pad_retro:localhost");
    const name = await w.bob.client.getState<{ name: string }>(roomId, "m.room.name");
    expect(name?.name).toBe("Pad: retro");
    const widgets = await furnished(w.bob, roomId);
    const [key, widget] = [...widgets.entries()][0]!;
    expect(widget.type).toBe("m.etherpad");
    expect(widget.data).toMatchObject({ padName: "retro" });
    expect(await w.etherpad.listPads(await w.etherpad.groupForRoom(roomId))).toEqual([
      `${await w.etherpad.groupForRoom(roomId)}$retro`,
    ]);
    const layout = await w.bob.client.getState<{ widgets: Record<string, { container: string }> }>(
      roomId,
      "io.element.widgets.layout",
    );
    expect(layout?.widgets[key]?.container).toBe("top");
    const rules = await w.bob.client.getState<{ join_rule: string }>(roomId, "m.room.join_rules");
    expect(rules?.join_rule).toBe("public");
    // The homeserver's defaults stay (power levels, tombstone, ACLs, encryption need 100+); the
    // joiner is moderator, and the creating bot (room version 12) is not listed.
    const levels = await w.bob.client.getState<{
      events: Record<string, number>;
      users: Record<string, number>;
    }>(roomId, "m.room.power_levels");
    expect(levels?.events).toMatchObject({
      "m.room.power_levels": 100,
      "m.room.server_acl": 100,
      "m.room.encryption": 100,
    });
    // Synapse gives tombstones 150 from room version 12 (creators only).
    expect(levels?.events["m.room.tombstone"]).toBeGreaterThanOrEqual(100);
    expect(levels?.users[w.bob.user.userId]).toBe(50);
    expect(levels?.users).not.toHaveProperty(w.stack.botUserId);
  });

  it("a furnished room is furnished once, whoever joins later", async () => {
    const roomId = await w.alice.client.join("#pad_retro:localhost");
    expect((await widgetsIn(w.alice, roomId)).size).toBe(1);
    const levels = await w.alice.client.getState<{ users: Record<string, number> }>(
      roomId,
      "m.room.power_levels",
    );
    expect(levels?.users[w.alice.user.userId]).toBeUndefined();
  });

  it("joining #meet_<name> creates the room with its conference", async () => {
    const roomId = await w.carol.client.join("#meet_standup:localhost");
    await furnished(w.carol, roomId);
    const widget = await jitsiIn(w.carol, roomId);
    expect(widget?.data).toMatchObject({
      conferenceId: jitsiConferenceId(roomId),
      startWithAudioMuted: true,
    });
  });

  it("an alias with an invalid pad name does not exist", async () => {
    await expect(w.bob.client.join("#pad_this-name-is-far-too-long:localhost")).rejects.toThrow();
  });
});
