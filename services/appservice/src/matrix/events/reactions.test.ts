import pino from "pino";
import { parseConfig } from "../../config/load";
import type { MatrixGateway } from "../gateway";
import type { Store } from "../../store/store";
import type { EtherpadPort, Workspace } from "../../workspace/workspace";
import { configInput } from "../../test-support/config";
import { reactionsWith } from "../../test-support/reactions";
import type { RoomEvent } from "./reactions";

const config = parseConfig(
  configInput("example.org", { permissions: { allowedServers: ["example.org", "partner.org"] } }),
);

/** Revocations over a fake store: what schedule moves, run ends at Etherpad, then in the store. */
function fakeRevocations(store: Store) {
  const moved: string[] = [];
  return {
    schedule: async (roomId: string, userId: string) => {
      const sessions = await store.padSessionsOf(roomId, userId);
      moved.push(...sessions.map((s) => s.session_id));
      return sessions.length;
    },
    run: async (etherpad: { deleteSession(id: string): Promise<void> }) => {
      for (const id of moved.splice(0)) {
        await etherpad.deleteSession(id);
        await store.deletePadSession(id);
      }
      return { done: 0, failed: 0 };
    },
  };
}

function setup() {
  const calls: string[] = [];
  const gateway = {
    botUserId: "@atrium:example.org",
    join: async (room: string) => {
      calls.push(`join ${room}`);
      return room;
    },
    leave: async (room: string) => void calls.push(`leave ${room}`),
  } as unknown as MatrixGateway;
  const deleted: string[] = [];
  const sessions = [{ session_id: "s.1" }, { session_id: "s.2" }];
  const store = {
    padSessionsOf: async () => sessions,
    deletePadSession: async (id: string) => void deleted.push(`store ${id}`),
  } as unknown as Store;
  const etherpad = {
    deleteSession: async (id: string) => void deleted.push(`etherpad ${id}`),
  } as unknown as EtherpadPort;
  const reactions = reactionsWith({
    config,
    store,
    gateway,
    etherpad,
    revocations: fakeRevocations(store),
  });
  return { reactions, calls, deleted };
}

const invite = (sender: string): RoomEvent => ({
  event_id: "$i",
  room_id: "!r:example.org",
  sender,
  type: "m.room.member",
  state_key: "@atrium:example.org",
  content: { membership: "invite" },
});

const log = pino({ level: "silent" });

describe("invites", () => {
  it.each([
    ["@alice:example.org", "join !r:example.org"],
    ["@bob:partner.org", "join !r:example.org"],
    ["@mallory:evil.example", "leave !r:example.org"],
    ["@mallory:example.org.evil.example", "leave !r:example.org"],
  ])("an invite from %s → %s", async (sender, expected) => {
    const { reactions, calls } = setup();
    await reactions.onMember(invite(sender), log);
    expect(calls).toEqual([expected]);
  });
});

describe("members leaving", () => {
  it.each([["leave"], ["ban"]])(
    "a member who gets %s loses every pad session of the room",
    async (membership) => {
      const { reactions, deleted } = setup();
      await reactions.onMember(
        { ...invite("@mod:example.org"), state_key: "@alice:example.org", content: { membership } },
        log,
      );
      expect(deleted).toEqual(["etherpad s.1", "store s.1", "etherpad s.2", "store s.2"]);
    },
  );
});

describe("room upgrades", () => {
  function upgrade(createContent: Record<string, unknown> | null) {
    const calls: string[] = [];
    const gateway = {
      botUserId: "@atrium:example.org",
      join: async (room: string) => void calls.push(`join ${room}`),
      leave: async (room: string) => void calls.push(`leave ${room}`),
      getState: async (_room: string, type: string) =>
        type === "m.room.create" ? createContent : null,
    } as unknown as MatrixGateway;
    const workspace = {
      carryOver: async (from: string, to: string) => {
        calls.push(`carry ${from} → ${to}`);
        return 1;
      },
    } as unknown as Workspace;
    const reactions = reactionsWith({ config, gateway, workspace });
    const tombstone: RoomEvent = {
      event_id: "$t",
      room_id: "!old:example.org",
      sender: "@alice:example.org",
      type: "m.room.tombstone",
      state_key: "",
      content: { replacement_room: "!new:example.org" },
    };
    return { run: () => reactions.onTombstone(tombstone, log), calls };
  }

  it("carries widgets to a room whose m.room.create names this room as predecessor", async () => {
    const { run, calls } = upgrade({ predecessor: { room_id: "!old:example.org" } });
    await run();
    expect(calls).toEqual(["join !new:example.org", "carry !old:example.org → !new:example.org"]);
  });

  it.each([
    ["another predecessor", { predecessor: { room_id: "!elsewhere:example.org" } }],
    ["no predecessor", {}],
  ])("leaves a room with %s and carries nothing", async (_label, content) => {
    const { run, calls } = upgrade(content);
    await run();
    expect(calls).toEqual(["join !new:example.org", "leave !new:example.org"]);
  });
});

describe("power levels", () => {
  it("ends the pad sessions of a member demoted below the edit level, only theirs", async () => {
    const strict = parseConfig(
      configInput("example.org", { permissions: { padEditPowerLevel: 10 } }),
    );
    const ended: string[] = [];
    const sessions: Record<string, Array<{ session_id: string }>> = {
      "@demoted:example.org": [{ session_id: "s.demoted" }],
      "@editor:example.org": [{ session_id: "s.editor" }],
    };
    const store = {
      padSessionUsers: async () => Object.keys(sessions),
      padSessionsOf: async (_room: string, user: string) => sessions[user] ?? [],
      deletePadSession: async (id: string) => void ended.push(`store ${id}`),
    } as unknown as Store;
    const gateway = {
      botUserId: "@atrium:example.org",
      roomState: async () => [
        { type: "m.room.create", state_key: "", sender: "@owner:example.org", content: {} },
        {
          type: "m.room.power_levels",
          state_key: "",
          content: { users: { "@editor:example.org": 10, "@demoted:example.org": 0 } },
        },
      ],
    } as unknown as MatrixGateway;
    const etherpad = {
      deleteSession: async (id: string) => void ended.push(`etherpad ${id}`),
    } as unknown as EtherpadPort;
    const reactions = reactionsWith({
      config: strict,
      store,
      gateway,
      etherpad,
      revocations: fakeRevocations(store),
    });
    await reactions.onPowerLevels(
      {
        event_id: "$p",
        room_id: "!r:example.org",
        sender: "@owner:example.org",
        type: "m.room.power_levels",
        state_key: "",
        content: {},
      },
      log,
    );
    expect(ended).toEqual(["etherpad s.demoted", "store s.demoted"]);
  });
});
