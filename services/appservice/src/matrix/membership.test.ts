import { AccessError } from "../doors/pages/access-error";
import { roomAccess } from "./membership";
import { fakeGateway, ROOM, type FakeRoom } from "../doors/pages/test-support/fakes";

const PL = { users: { "@mod:example.org": 50, "@low:example.org": -1 }, users_default: 0 };

describe("roomAccess", () => {
  it.each<
    [string, FakeRoom, string, { membership: string | null; level: number; displayName?: string }]
  >([
    [
      "a joined member",
      {
        members: { "@a:example.org": { membership: "join", displayname: "Ann" } },
        powerLevels: PL,
      },
      "@a:example.org",
      { membership: "join", level: 0, displayName: "Ann" },
    ],
    [
      "a moderator",
      { members: { "@mod:example.org": "join" }, powerLevels: PL },
      "@mod:example.org",
      { membership: "join", level: 50 },
    ],
    [
      "a member below the default",
      { members: { "@low:example.org": "join" }, powerLevels: PL },
      "@low:example.org",
      { membership: "join", level: -1 },
    ],
    [
      "a user who left",
      { members: { "@a:example.org": "leave" }, powerLevels: PL },
      "@a:example.org",
      { membership: "leave", level: 0 },
    ],
    [
      "a banned user",
      { members: { "@a:example.org": "ban" }, powerLevels: PL },
      "@a:example.org",
      { membership: "ban", level: 0 },
    ],
    [
      "an invited user",
      { members: { "@a:example.org": "invite" }, powerLevels: PL },
      "@a:example.org",
      { membership: "invite", level: 0 },
    ],
    [
      "a stranger",
      { members: {}, powerLevels: PL },
      "@x:example.org",
      { membership: null, level: 0 },
    ],
    [
      "the creator of a room without power levels",
      { members: { "@creator:example.org": "join" }, powerLevels: null },
      "@creator:example.org",
      { membership: "join", level: 100 },
    ],
    [
      "the creator of a v12 room (unlimited power)",
      {
        members: { "@c:example.org": "join" },
        powerLevels: { users_default: 0 },
        create: { room_version: "12" },
        createSender: "@c:example.org",
      },
      "@c:example.org",
      { membership: "join", level: Number.MAX_SAFE_INTEGER },
    ],
    [
      "an additional creator of a v12 room",
      {
        members: { "@d:example.org": "join" },
        powerLevels: { users_default: 0 },
        create: { room_version: "12", additional_creators: ["@d:example.org"] },
        createSender: "@c:example.org",
      },
      "@d:example.org",
      { membership: "join", level: Number.MAX_SAFE_INTEGER },
    ],
    [
      "another member of a v12 room",
      {
        members: { "@e:example.org": "join" },
        powerLevels: { users_default: 0 },
        create: { room_version: "12" },
        createSender: "@c:example.org",
      },
      "@e:example.org",
      { membership: "join", level: 0 },
    ],
  ])("%s", async (_name, room, userId, expected) => {
    const access = await roomAccess(fakeGateway(room), ROOM, userId);
    expect({
      membership: access.membership,
      level: access.level,
      ...(access.displayName ? { displayName: access.displayName } : {}),
    }).toEqual(expected);
  });

  it("refuses with 403 when the bot is not in the room", async () => {
    const error = await roomAccess(fakeGateway({ botAbsent: true }), ROOM, "@a:example.org").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AccessError);
    expect(error).toMatchObject({ status: 403, errcode: "M_FORBIDDEN" });
  });

  it("passes other homeserver errors on", async () => {
    const gateway = {
      getState: async () => Promise.reject(new Error("boom")),
      roomState: async () => [],
    };
    await expect(roomAccess(gateway, ROOM, "@a:example.org")).rejects.toThrow("boom");
  });
});
