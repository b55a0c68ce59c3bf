import pino from "pino";
import type { StateEvent } from "../../../matrix/gateway";
import type { WidgetRow } from "../../../store/store";
import { PINNED_EVENTS, WorkspacePins } from "./pinned-message";
import type { WorkspacePinTable } from "./store";

const ROOM = "!r:example.org";
const BOT = "@atrium:example.org";

function row(id: string, name: string, kind: WidgetRow["kind"] = "etherpad"): WidgetRow {
  return {
    room_id: ROOM,
    widget_id: id,
    kind,
    name,
    url: "https://pages.example/x",
    pad_id: null,
    conference_id: null,
    creator: "@a:example.org",
    created_at: 1,
    archived_at: null,
    archived_by: null,
  };
}

function world(botLevel: number) {
  const rows: WidgetRow[] = [];
  const sent: Array<{ content: Record<string, unknown>; key?: string }> = [];
  const state: StateEvent[] = [
    {
      type: "m.room.create",
      state_key: "",
      content: { room_version: "10" },
      sender: "@a:example.org",
    },
    {
      type: "m.room.power_levels",
      state_key: "",
      content: { users: { [BOT]: botLevel }, state_default: 50 },
    },
  ];
  let pin: WorkspacePinTable | undefined;
  const pins = new WorkspacePins({
    port: {
      botUserId: BOT,
      roomState: async () => state,
      sendState: async (_r, type, key, content) => {
        state.push({ type, state_key: key, content });
        return "$state";
      },
      sendMessage: async (_r, content, key) => {
        sent.push({ content, ...(key ? { key } : {}) });
        return `$m${sent.length}`;
      },
    },
    store: { widgetsInRoom: async () => rows },
    pins: { pinOf: async () => pin, savePin: async (p) => void (pin = p) },
    publicUrl: "https://atrium.example",
    log: pino({ level: "silent" }),
  });
  const pinned = () =>
    [...state].reverse().find((e) => e.type === PINNED_EVENTS)?.content.pinned as
      string[] | undefined;
  return { rows, sent, pins, pinned };
}

describe("the pinned workspace message", () => {
  it("is posted and pinned once, then edited in place when the widgets change", async () => {
    const w = world(50);
    await w.pins.widgetsChanged(ROOM, "$e0");
    expect(w.sent).toHaveLength(0);
    w.rows.push(row("p1", "notes"));
    await w.pins.widgetsChanged(ROOM, "$e1");
    expect(w.sent).toHaveLength(1);
    expect(String(w.sent[0]?.content.body)).toContain(
      "https://atrium.example/atrium/room/!r%3Aexample.org?w=p1",
    );
    expect(w.pinned()).toEqual(["$m1"]);
    w.rows.push(row("c1", "Board", "custom"));
    await w.pins.widgetsChanged(ROOM, "$e2");
    await w.pins.widgetsChanged(ROOM, "$e2-again");
    expect(w.sent).toHaveLength(2);
    expect(w.sent[1]?.content["m.relates_to"]).toEqual({ rel_type: "m.replace", event_id: "$m1" });
    expect(String((w.sent[1]?.content["m.new_content"] as { body: string }).body)).toContain(
      "Board",
    );
    expect(w.pinned()).toEqual(["$m1"]);
  });

  it("says once what to grant when the bot may not pin", async () => {
    const w = world(0);
    w.rows.push(row("p1", "notes"));
    await w.pins.widgetsChanged(ROOM, "$e1");
    w.rows.push(row("p2", "minutes"));
    await w.pins.widgetsChanged(ROOM, "$e2");
    const asks = w.sent.filter((s) => String(s.content.body).includes("I need power level 50"));
    expect(asks).toHaveLength(1);
    expect(w.pinned()).toBeUndefined();
  });
});
