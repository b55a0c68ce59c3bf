/**
 * Every command end to end against real Synapse and Etherpad: the widget event checked field
 * by field, the pad present in Etherpad, refusals that write nothing.
 */
import { createEtherpadClient } from "@atrium/etherpad";
import { jitsiConferenceId } from "@atrium/widgets";
import { useAtrium } from "../harness/world";
import { command, roomWithBot, widgetsIn, WIDGETS } from "./fixtures";

let padId: string;

const w = useAtrium({}, async (stack) => {
  const alice = await stack.user("alice");
  return {
    alice,
    bob: await stack.user("bob"),
    etherpad: createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey }),
    roomId: await roomWithBot(stack, alice, { name: "Weekly sync" }),
  };
});

describe("!pad", () => {
  it("creates the room's group pad and an m.etherpad widget", async () => {
    const reply = await command(w.stack, w.alice, w.roomId, "!pad minutes");
    expect(reply.content.body).toMatch(/Added the pad "minutes"/);
    expect(reply.content.format).toBe("org.matrix.custom.html");

    const widgets = await widgetsIn(w.alice, w.roomId);
    expect(widgets.size).toBe(1);
    const [stateKey, widget] = [...widgets.entries()][0]!;
    expect(widget.id).toBe(stateKey);
    expect(widget.type).toBe("m.etherpad");
    expect(widget.name).toBe("minutes");
    expect(widget.creatorUserId).toBe(w.alice.user.userId);
    expect(widget.waitForIframeLoad).toBe(true);
    expect(widget.url).toBe(
      `${w.stack.config.web.publicUrl}/atrium/pad?roomId=$matrix_room_id&widgetId=$matrix_widget_id`,
    );
    // The room state names the pad but never its Etherpad id (only Atrium's pad page does,
    // read-only for members below the edit level).
    expect(widget.data).toEqual({ title: "minutes", padName: "minutes" });
    // The room's group pad exists in Etherpad and can be written through the API.
    const groupId = await w.etherpad.groupForRoom(w.roomId);
    padId = `${groupId}$minutes`;
    expect(await w.etherpad.listPads(groupId)).toEqual([padId]);
    await w.etherpad.setText(padId, "agenda\n");
    expect(await w.etherpad.getText(padId)).toBe("agenda\n");
  });

  it.each([
    ["a name of 16 characters", "!pad sixteen-chars-xy", /fewer than 16 characters/],
    ["a name with $", "!pad a$b", /\$/],
    ["a name with /", "!pad a/b", /\//],
    ["no name", "!pad", /name/i],
  ])("refuses %s, stating the rule, and writes nothing", async (_label, body, rule) => {
    const before = await widgetsIn(w.alice, w.roomId);
    const reply = await command(w.stack, w.alice, w.roomId, body);
    expect(reply.content.body).toMatch(rule);
    expect(reply.content.body).toMatch(/Nothing was created/);
    expect(await widgetsIn(w.alice, w.roomId)).toEqual(before);
  });

  it("refuses a command of 10,000 characters and writes nothing", async () => {
    const before = await widgetsIn(w.alice, w.roomId);
    const reply = await command(w.stack, w.alice, w.roomId, `!pad ${"x".repeat(10_000)}`);
    expect(reply.content.body).toMatch(/at most 4096/);
    expect(await widgetsIn(w.alice, w.roomId)).toEqual(before);
  });
});

describe("!widget", () => {
  it("adds a custom widget of an https page", async () => {
    const reply = await command(
      w.stack,
      w.alice,
      w.roomId,
      "!widget https://example.org/board?team=1 Board",
    );
    expect(reply.content.body).toMatch(/Added the widget "Board"/);
    const widget = [...(await widgetsIn(w.alice, w.roomId)).values()].find(
      (widget) => widget.name === "Board",
    );
    expect(widget).toMatchObject({ type: "m.custom", url: "https://example.org/board?team=1" });
  });

  it.each([
    ["javascript:", "!widget javascript:alert(1) x"],
    ["data:", "!widget data:text/html,<script>alert(1)</script> x"],
    ["credentials", "!widget https://user:pw@example.org/ x"],
    ["a private address", "!widget http://169.254.169.254/latest/meta-data x"],
  ])("refuses %s and writes nothing", async (_label, body) => {
    const before = await widgetsIn(w.alice, w.roomId);
    const reply = await command(w.stack, w.alice, w.roomId, body);
    expect(reply.content.body).toMatch(/Nothing was added/);
    expect(await widgetsIn(w.alice, w.roomId)).toEqual(before);
  });
});

describe("!meet", () => {
  it("explains the direct call in a room of two and adds nothing", async () => {
    const before = await widgetsIn(w.alice, w.roomId);
    const reply = await command(w.stack, w.alice, w.roomId, "!meet");
    expect(reply.content.body).toMatch(/direct call/);
    expect(reply.content.body).toMatch(/!meet --force/);
    expect(await widgetsIn(w.alice, w.roomId)).toEqual(before);
  });

  it("adds Element's Jitsi widget with --force: data fields, muted start, authenticated id", async () => {
    const reply = await command(w.stack, w.alice, w.roomId, "!jitsi --force");
    expect(reply.content.body).toMatch(/muted/);
    const widget = [...(await widgetsIn(w.alice, w.roomId)).values()].find(
      (widget) => widget.type === "jitsi",
    );
    expect(widget).toBeDefined();
    expect(widget!.data).toMatchObject({
      domain: "meet.example.org",
      conferenceId: jitsiConferenceId(w.roomId),
      isAudioOnly: false,
      roomName: "Weekly sync",
      auth: "openidtoken-jwt",
      startWithAudioMuted: true,
    });
    expect(String(widget!.url)).toMatch(/jitsi\.html\?confId=\$conferenceId#/);
  });
});

describe("!widgets, !pin, !remove", () => {
  it("lists what Atrium placed", async () => {
    const reply = await command(w.stack, w.alice, w.roomId, "!widgets");
    expect(reply.content.body).toMatch(/minutes \(pad\)/);
    expect(reply.content.body).toMatch(/Board/);
    expect(reply.content.body).toMatch(/Conference \(conference\)/);
  });

  it("pins a widget into Element's layout", async () => {
    await command(w.stack, w.alice, w.roomId, "!pin minutes");
    const widgets = await widgetsIn(w.alice, w.roomId);
    const widgetId = [...widgets.entries()].find(([, widget]) => widget.name === "minutes")![0];
    const layout = await w.alice.client.getState<{
      widgets: Record<string, { container: string }>;
    }>(w.roomId, "io.element.widgets.layout", "");
    expect(layout?.widgets[widgetId]?.container).toBe("top");
  });

  it("removes a widget and archives its pad without deleting it", async () => {
    const widgets = await widgetsIn(w.alice, w.roomId);
    const [stateKey] = [...widgets.entries()].find(([, widget]) => widget.name === "minutes")!;
    const reply = await command(w.stack, w.alice, w.roomId, "!remove minutes");
    expect(reply.content.body).toMatch(/archived, not deleted/);
    expect(await w.alice.client.getState(w.roomId, WIDGETS, stateKey)).toEqual({});
    expect(await w.etherpad.getText(padId)).toBe("agenda\n");
    const list = await command(w.stack, w.alice, w.roomId, "!widgets");
    expect(list.content.body).not.toMatch(/minutes/);
  });

  it("brings an archived pad back, with its text, when asked for by name again", async () => {
    const reply = await command(w.stack, w.alice, w.roomId, "!pad minutes");
    expect(reply.content.body).toMatch(/Added the pad "minutes"/);
    const widget = [...(await widgetsIn(w.alice, w.roomId)).values()].find(
      (widget) => widget.name === "minutes",
    );
    expect(widget?.type).toBe("m.etherpad");
    expect(await w.etherpad.getText(padId)).toBe("agenda\n");
    expect(await w.etherpad.listPads(padId.split("$")[0]!)).toEqual([padId]);
  });
});

describe("permissions and help", () => {
  it("refuses a member below the widget power level and writes nothing", async () => {
    await w.alice.client.invite(w.roomId, w.bob.user.userId);
    await w.bob.client.join(w.roomId);
    const before = await widgetsIn(w.alice, w.roomId);
    const reply = await command(w.stack, w.bob, w.roomId, "!pad bobs");
    expect(reply.content.body).toMatch(/needs power level 50; you have 0/);
    expect(await widgetsIn(w.alice, w.roomId)).toEqual(before);
  });

  it("says exactly which level to grant when the bot lacks it", async () => {
    const bare = await roomWithBot(w.stack, w.alice, { botLevel: 0 });
    const reply = await command(w.stack, w.alice, bare, "!pad notes");
    expect(reply.content.body).toContain(`I need power level 50`);
    expect(reply.content.body).toContain(`/op ${w.stack.botUserId} 50`);
    expect((await widgetsIn(w.alice, bare)).size).toBe(0);
  });

  it.each([["!help"], ["!frobnicate"]])("%s answers with the help text", async (body) => {
    const reply = await command(w.stack, w.alice, w.roomId, body);
    expect(reply.content.body).toMatch(/!pad <name>/);
    expect(reply.content.formatted_body).toMatch(/<code>!meet<\/code>/);
  });
});
