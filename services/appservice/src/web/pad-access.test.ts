import type { WidgetRow } from "../store/store";
import { openPad, parseSessionRequest, groupOfPad, type PadAccessDeps } from "./pad-access";
import {
  fakeEtherpad,
  fakeGateway,
  fakeOpenId,
  fakeStore,
  padRow,
  PAD,
  ROOM,
  type FakeRoom,
} from "./test-support/fakes";

const NOW = Date.UTC(2025, 0, 1);
const ROOM_STATE: FakeRoom = {
  members: {
    "@alice:example.org": { membership: "join", displayname: "Alice" },
    "@guest:example.org": "join",
    "@gone:example.org": "leave",
    "@banned:example.org": "ban",
  },
  powerLevels: { users: { "@alice:example.org": 50, "@guest:example.org": -10 }, users_default: 0 },
};

function setup(opts: { rows?: WidgetRow[]; padEditPowerLevel?: number } = {}) {
  const store = fakeStore(opts.rows ?? [padRow()]);
  const etherpad = fakeEtherpad();
  const deps: PadAccessDeps = {
    config: {
      etherpad: {
        url: "http://etherpad:9001",
        publicUrl: "https://pad.example.org",
        apiKey: "k".repeat(16),
        timeoutMs: 5000,
        sessionSeconds: 3600,
        onWidgetRemoved: "keep",
      },
      permissions: { padEditPowerLevel: opts.padEditPowerLevel ?? 0 },
    },
    store,
    etherpad,
    gateway: fakeGateway(ROOM_STATE),
    openid: fakeOpenId(),
    now: () => NOW,
  };
  return { deps, store, etherpad };
}

const request = (user: string, widgetId = "w1") => ({
  roomId: ROOM,
  widgetId,
  openid: { access_token: `token-${user}` },
});

describe("openPad grants", () => {
  it.each([
    [
      "a member opens the pad",
      "@alice:example.org",
      0,
      `https://pad.example.org/p/${encodeURIComponent(PAD)}`,
      false,
    ],
    [
      "a member at the edit level edits",
      "@alice:example.org",
      50,
      `https://pad.example.org/p/${encodeURIComponent(PAD)}`,
      false,
    ],
    [
      "a member below the edit level gets the read-only pad",
      "@guest:example.org",
      0,
      "https://pad.example.org/p/r.readonly0000001",
      true,
    ],
    [
      "a default-level member below a raised edit level reads only",
      "@alice:example.org",
      51,
      "https://pad.example.org/p/r.readonly0000001",
      true,
    ],
  ])("%s", async (_name, user, level, url, readOnly) => {
    const { deps, store, etherpad } = setup({ padEditPowerLevel: level });
    const grant = await openPad(deps, request(user));
    expect({ url: grant.url, readOnly: grant.readOnly, userId: grant.userId }).toEqual({
      url,
      readOnly,
      userId: user,
    });
    expect(etherpad.created).toEqual([
      {
        groupId: "g.abcdefghijklmnop",
        authorId: "a.author1",
        validUntil: new Date(NOW + 3600_000),
      },
    ]);
    expect(store.sessions).toEqual([
      {
        session_id: grant.sessionId,
        room_id: ROOM,
        user_id: user,
        group_id: "g.abcdefghijklmnop",
        valid_until: NOW + 3600_000,
        created_at: NOW,
      },
    ]);
  });

  it("names the Etherpad author after the member's display name", async () => {
    const { deps, etherpad } = setup();
    await openPad(deps, request("@alice:example.org"));
    expect(etherpad.authors).toEqual([{ userId: "@alice:example.org", name: "Alice" }]);
  });

  it("takes the group from the pad id after a room upgrade (the row points at the old room's pad)", async () => {
    const oldPad = "g.OLDROOMGROUP0001$notes";
    const { deps, etherpad } = setup({ rows: [padRow({ pad_id: oldPad })] });
    const grant = await openPad(deps, request("@alice:example.org"));
    expect(etherpad.created[0]?.groupId).toBe("g.OLDROOMGROUP0001");
    expect(grant.url).toBe(`https://pad.example.org/p/${encodeURIComponent(oldPad)}`);
  });
});

describe("openPad refusals open no session", () => {
  it.each<[string, string, string, WidgetRow[] | undefined, number, string]>([
    ["a user who left", "@gone:example.org", "w1", undefined, 403, "M_FORBIDDEN"],
    ["a banned user", "@banned:example.org", "w1", undefined, 403, "M_FORBIDDEN"],
    ["a stranger", "@stranger:example.org", "w1", undefined, 403, "M_FORBIDDEN"],
    ["a forged token", "forged", "w1", undefined, 401, "M_UNKNOWN_TOKEN"],
    ["an unknown widget", "@alice:example.org", "nope", undefined, 404, "M_NOT_FOUND"],
    [
      "an archived pad",
      "@alice:example.org",
      "w1",
      [padRow({ archived_at: 5 })],
      404,
      "M_NOT_FOUND",
    ],
    [
      "a conference widget",
      "@alice:example.org",
      "w1",
      [padRow({ kind: "jitsi", pad_id: null })],
      404,
      "M_NOT_FOUND",
    ],
  ])("%s", async (_name, user, widgetId, rows, status, errcode) => {
    const { deps, store, etherpad } = setup(rows ? { rows } : {});
    const req =
      user === "forged"
        ? { roomId: ROOM, widgetId, openid: { access_token: "garbage" } }
        : request(user, widgetId);
    await expect(openPad(deps, req)).rejects.toMatchObject({ status, errcode });
    expect(etherpad.created).toEqual([]);
    expect(store.sessions).toEqual([]);
  });
});

describe("parseSessionRequest", () => {
  it.each([
    ["no body", undefined, "roomId"],
    ["a room alias", { roomId: "#a:b", widgetId: "w", openid: { access_token: "t" } }, "roomId"],
    ["no widget id", { roomId: "!a:b", openid: { access_token: "t" } }, "widgetId"],
    ["no token", { roomId: "!a:b", widgetId: "w", openid: {} }, "openid.access_token"],
    [
      "a numeric server name",
      { roomId: "!a:b", widgetId: "w", openid: { access_token: "t", matrix_server_name: 5 } },
      "matrix_server_name",
    ],
  ])("refuses %s, naming the field", (_name, body, field) => {
    expect(() => parseSessionRequest(body)).toThrow(field);
  });

  it("keeps the server name when given", () => {
    expect(
      parseSessionRequest({
        roomId: "!a:b",
        widgetId: "w",
        openid: { access_token: "t", matrix_server_name: "b" },
      }),
    ).toEqual({
      roomId: "!a:b",
      widgetId: "w",
      openid: { access_token: "t", matrix_server_name: "b" },
    });
  });
});

describe("groupOfPad", () => {
  it.each([
    [PAD, "g.abcdefghijklmnop"],
    ["g.ABCDEFGHIJKLMNOP$a$b", "g.ABCDEFGHIJKLMNOP"],
  ])("%p → %p", (pad, group) => expect(groupOfPad(pad)).toBe(group));
  it.each([["notes"], ["g.short$notes"], ["g.abcdefghijklmnop"]])("refuses %p", (pad) => {
    expect(() => groupOfPad(pad)).toThrow("not a group pad id");
  });
});
