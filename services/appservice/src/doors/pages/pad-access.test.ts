import type { WidgetRow } from "../../store/store";
import { openPad, parseSessionRequest, groupOfPad, type PadAccessDeps } from "./pad-access";
import { ReadOnlyViews } from "./pad-view";
import {
  fakeEtherpad,
  fakeGateway,
  fakeOpenId,
  fakeStore,
  openRequest,
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

function setup(opts: { rows?: WidgetRow[]; padEditPowerLevel?: number; revoking?: string[] } = {}) {
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
      web: { port: 8080, bindAddress: "127.0.0.1", publicUrl: "https://atrium.example.org" },
    },
    store,
    etherpad,
    views: new ReadOnlyViews(() => NOW),
    revocations: {
      pending: async (roomId, userId) => roomId === ROOM && (opts.revoking ?? []).includes(userId),
    },
    gateway: fakeGateway(ROOM_STATE),
    openid: fakeOpenId(),
    now: () => NOW,
  };
  return { deps, store, etherpad };
}

/** `user` opens the pad where the pad edit level is `padEditPowerLevel`. */
async function grantFor(user: string, padEditPowerLevel: number) {
  const { deps, store, etherpad } = setup({ padEditPowerLevel });
  return { grant: await openPad(deps, openRequest(user)), store, etherpad };
}

describe("openPad grants", () => {
  it.each([
    ["a member opens the pad", "@alice:example.org", 0],
    ["a member at the edit level edits", "@alice:example.org", 50],
  ])("%s: an Etherpad session and the pad's URL", async (_name, user, level) => {
    const { grant, store, etherpad } = await grantFor(user, level);
    expect({ url: grant.url, readOnly: grant.readOnly, userId: grant.userId }).toEqual({
      url: `https://pad.example.org/p/${encodeURIComponent(PAD)}`,
      readOnly: false,
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

  // Issue 22 item 1: a group session writes every pad of the room, whatever URL it came with.
  it.each([
    ["a member below the edit level", "@guest:example.org", 0],
    ["a default-level member below a raised edit level", "@alice:example.org", 51],
  ])("%s gets a read-only view link and no Etherpad session", async (_name, user, level) => {
    const { grant, store, etherpad } = await grantFor(user, level);
    expect(grant.readOnly).toBe(true);
    expect(grant.sessionId).toBeNull();
    expect(grant.url).toMatch(/^https:\/\/atrium\.example\.org\/atrium\/pad\/view\/[\w-]{43}$/);
    expect(grant.url).not.toContain("g.abcdefghijklmnop");
    expect(etherpad.created).toEqual([]);
    expect(etherpad.authors).toEqual([]);
    expect(store.sessions).toEqual([]);
  });

  it("names the Etherpad author after the member's display name", async () => {
    const { deps, etherpad } = setup();
    await openPad(deps, openRequest("@alice:example.org"));
    expect(etherpad.authors).toEqual([{ userId: "@alice:example.org", name: "Alice" }]);
  });

  it("takes the group from the pad id after a room upgrade (the row points at the old room's pad)", async () => {
    const oldPad = "g.OLDROOMGROUP0001$notes";
    const { deps, etherpad } = setup({ rows: [padRow({ pad_id: oldPad })] });
    const grant = await openPad(deps, openRequest("@alice:example.org"));
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
        : openRequest(user, widgetId);
    await expect(openPad(deps, req)).rejects.toMatchObject({ status, errcode });
    expect(etherpad.created).toEqual([]);
    expect(store.sessions).toEqual([]);
  });
});

describe("openPad while a revocation of the member's sessions is pending (issue 22 item 4)", () => {
  it("refuses with 503 and opens nothing, for editors and readers alike", async () => {
    for (const level of [0, 51]) {
      const { deps, store, etherpad } = setup({
        padEditPowerLevel: level,
        revoking: ["@alice:example.org"],
      });
      await expect(openPad(deps, openRequest("@alice:example.org"))).rejects.toMatchObject({
        status: 503,
        humanMessage: expect.stringContaining("still ending your earlier access"),
      });
      expect(etherpad.created).toEqual([]);
      expect(store.sessions).toEqual([]);
    }
    // Another member of the room is not held up.
    const { deps } = setup({ revoking: ["@alice:example.org"] });
    expect((await openPad(deps, openRequest("@guest:example.org"))).userId).toBe(
      "@guest:example.org",
    );
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
