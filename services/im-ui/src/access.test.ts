import type { ImRoomView } from "@atrium/widgets";
import { accessOf } from "./access";

type Room = NonNullable<ImRoomView["room"]>;

function view(room: Partial<Room>): ImRoomView {
  return {
    roomId: "!r:hs",
    userId: "@me:hs",
    bot: { userId: "@atrium:hs", membership: "join", level: 50, ready: true },
    room: {
      name: null,
      encrypted: false,
      memberCount: 3,
      userMembership: "join",
      userLevel: 0,
      neededLevel: 50,
      layoutLevel: 50,
      canChangeWidgets: true,
      canPin: true,
      widgets: [],
      ...room,
    },
  };
}

describe("accessOf", () => {
  it("allows everything when the server says so", () => {
    expect(accessOf(view({}))).toEqual({ canChange: true, canPin: true, reason: null });
  });

  it("names the needed level and the user's own when power is missing", () => {
    const access = accessOf(view({ canChangeWidgets: false, canPin: false, userLevel: 0 }));
    expect(access.canChange).toBe(false);
    expect(access.reason).toBe(
      "Adding and removing extensions needs power level 50; yours is 0. Ask a room moderator or admin.",
    );
  });

  it("tells a non-member plainly", () => {
    const access = accessOf(view({ userMembership: "leave", canChangeWidgets: false }));
    expect(access).toMatchObject({ canChange: false, canPin: false });
    expect(access.reason).toMatch(/not a member of this room/);
  });
});
