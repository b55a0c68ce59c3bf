import pino from "pino";
import { storePerTest } from "../../test-support/temp-store";
import { ALICE, ROOM, world } from "../../test-support/world";

const log = pino({ level: "silent" });
const store = storePerTest();
let seq = 0;

/** Alice sends each command in turn, each handled before the next. */
async function say(w: ReturnType<typeof world>, ...bodies: string[]) {
  for (const body of bodies) {
    await w.commands.handle(
      {
        event_id: `$c${++seq}`,
        room_id: ROOM,
        sender: ALICE,
        content: { body, msgtype: "m.text" },
      },
      log,
    );
  }
}

const layoutOf = (w: ReturnType<typeof world>) =>
  w.state.get("io.element.widgets.layout|") as
    { widgets: Record<string, { container: string }> } | undefined;

describe("!unpin", () => {
  it("moves the widget back to the side and keeps it (not a removal)", async () => {
    const w = world(store());
    await say(w, "!pad notes");
    const [row] = await store().widgetsInRoom(ROOM);
    await say(w, "!pin notes");
    expect(layoutOf(w)?.widgets[row!.widget_id]?.container).toBe("top");
    await say(w, "!unpin notes");
    expect(w.notices.at(-1)).toMatch(/Unpinned "notes"/);
    expect(layoutOf(w)?.widgets[row!.widget_id]?.container).toBe("right");
    expect(await store().widgetsInRoom(ROOM)).toEqual([expect.objectContaining({ name: "notes" })]);
    expect(w.state.get(`im.vector.modular.widgets|${row!.widget_id}`)).toMatchObject({
      name: "notes",
    });
  });
});

describe("pad names that differ only in case", () => {
  it("are the same pad: the first spelling and its pad are kept", async () => {
    const w = world(store());
    await say(w, "!pad Notes", "!pad notes", "!pad NOTES");
    expect(w.padsCreated).toEqual(["Notes"]);
    const rows = await store().widgetsInRoom(ROOM);
    expect(rows).toEqual([expect.objectContaining({ name: "Notes", pad_id: "g.group$Notes" })]);
    expect(w.notices.at(-1)).toMatch(/Added the pad "Notes"/);
  });

  it("bring back the archived pad of another spelling", async () => {
    const w = world(store());
    await say(w, "!pad Plan", "!remove plan", "!pad PLAN");
    expect(w.padsCreated).toEqual(["Plan"]);
    expect(await store().widgetsInRoom(ROOM)).toEqual([
      expect.objectContaining({ name: "Plan", archived_at: null }),
    ]);
  });
});

describe("a command whose widget write is refused", () => {
  const forbidden = () =>
    Object.assign(new Error("forbidden"), {
      errcode: "M_FORBIDDEN",
      statusCode: 403,
      body: { errcode: "M_FORBIDDEN", error: "You don't have permission" },
    });

  it("leaves no store row and says the widget is not in the room", async () => {
    const w = world(store(), { failWidgetWrites: forbidden });
    await say(w, "!pad minutes");
    expect(await store().widgetsInRoom(ROOM, true)).toEqual([]);
    expect(w.notices).toHaveLength(1);
    expect(w.notices[0]).toMatch(/could not put "minutes" in the room/);
    expect(w.notices[0]).toMatch(/M_FORBIDDEN/);
    expect(w.notices[0]).toMatch(/not in the room/);
    await say(w, "!widgets");
    expect(w.notices.at(-1)).toMatch(/no widgets/);
    const ledger = await store().ledgerEntry(`$c${seq - 1}`);
    expect(ledger?.outcome).toBe("failed");
  });

  it("puts back the archived row when reviving it fails", async () => {
    let fail = false;
    const w = world(store(), { failWidgetWrites: () => (fail ? forbidden() : undefined) });
    await say(w, "!pad plan");
    await say(w, "!remove plan");
    fail = true;
    await say(w, "!pad plan");
    expect(await store().widgetsInRoom(ROOM)).toEqual([]);
    const [row] = await store().widgetsInRoom(ROOM, true);
    expect(row?.archived_at).not.toBeNull();
  });
});
