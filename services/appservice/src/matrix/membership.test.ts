import { AccessError } from "./access-error";
import { roomAccess } from "./membership";
import { fakeGateway, ROOM, type FakeRoom } from "../doors/pages/test-support/fakes";

const PL = { users: { "@mod:example.org": 50, "@low:example.org": -1 }, users_default: 0 };

/** A case: who, in what room, and the membership and level Atrium reads for them. */
type AccessCase = [
  string,
  FakeRoom,
  string,
  { membership: string | null; level: number; displayName?: string },
];

/** A v12 room created by @c (creators have unlimited power there) that `member` joined. */
const v12Room = (member: string, additionalCreators: string[] = []): FakeRoom => ({
  members: { [member]: "join" },
  powerLevels: { users_default: 0 },
  create: {
    room_version: "12",
    ...(additionalCreators.length ? { additional_creators: additionalCreators } : {}),
  },
  createSender: "@c:example.org",
});

describe("roomAccess", () => {
  it.each<AccessCase>([
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
    ...(
      [
        ["a user who left", "leave"],
        ["a banned user", "ban"],
        ["an invited user", "invite"],
      ] as const
    ).map(([name, membership]): AccessCase => [
      name,
      { members: { "@a:example.org": membership }, powerLevels: PL },
      "@a:example.org",
      { membership, level: 0 },
    ]),
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
      v12Room("@c:example.org"),
      "@c:example.org",
      { membership: "join", level: Number.MAX_SAFE_INTEGER },
    ],
    [
      "an additional creator of a v12 room",
      v12Room("@d:example.org", ["@d:example.org"]),
      "@d:example.org",
      { membership: "join", level: Number.MAX_SAFE_INTEGER },
    ],
    [
      "another member of a v12 room",
      v12Room("@e:example.org"),
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
