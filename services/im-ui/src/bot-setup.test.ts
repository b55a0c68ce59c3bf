import type { ImRoomView } from "@atrium/widgets";
import { setUpBot } from "./bot-setup";

const BOT = "@atrium:hs";

function view(bot: Partial<ImRoomView["bot"]>, neededLevel: number | null = 50): ImRoomView {
  const membership = bot.membership ?? null;
  return {
    roomId: "!r:hs",
    userId: "@me:hs",
    bot: { userId: BOT, membership, level: null, ready: false, ...bot },
    room:
      membership === "join" && neededLevel !== null
        ? {
            name: "Room",
            encrypted: false,
            memberCount: 3,
            userMembership: "join",
            userLevel: 100,
            neededLevel,
            layoutLevel: 50,
            canChangeWidgets: true,
            canPin: true,
            widgets: [],
          }
        : null,
  };
}

function deps(views: ImRoomView[]) {
  const calls: string[] = [];
  return {
    calls,
    deps: {
      api: {
        room: async () => {
          calls.push("room");
          return views.length > 1 ? views.shift()! : views[0]!;
        },
      },
      messaging: {
        invite: async (roomId: string, userId: string) => calls.push(`invite ${roomId} ${userId}`),
        setBotPower: async (roomId: string, userId: string, level: number) =>
          calls.push(`power ${roomId} ${userId} ${level}`),
      },
      sleep: async () => undefined,
      waitMs: 1000,
    },
  };
}

describe("setUpBot", () => {
  it("invites, waits for the join, then grants the level the room view names after the join", async () => {
    const { calls, deps: d } = deps([
      view({ membership: "invite" }),
      view({ membership: "join", level: 0 }, 40),
      view({ membership: "join", level: 40, ready: true }, 40),
    ]);
    const fresh = await setUpBot("!r:hs", view({ membership: null }), d);
    expect(fresh.bot.ready).toBe(true);
    expect(calls).toEqual([`invite !r:hs ${BOT}`, "room", "room", `power !r:hs ${BOT} 40`, "room"]);
  });

  it("only grants the level when the bot is already joined", async () => {
    const { calls, deps: d } = deps([view({ membership: "join", level: 50, ready: true })]);
    await setUpBot("!r:hs", view({ membership: "join", level: 0 }), d);
    expect(calls).toEqual([`power !r:hs ${BOT} 50`, "room"]);
  });

  it("says so when the bot never joins", async () => {
    const { deps: d } = deps([view({ membership: "invite" })]);
    await expect(
      setUpBot("!r:hs", view({ membership: "leave" }), { ...d, waitMs: 0 }),
    ).rejects.toThrow(/invited but has not joined/);
  });

  it("refuses a banned bot without asking Element", async () => {
    const { calls, deps: d } = deps([view({ membership: "ban" })]);
    await expect(setUpBot("!r:hs", view({ membership: "ban" }), d)).rejects.toThrow(/banned/);
    expect(calls).toEqual([]);
  });
});
