import pino from "pino";
import { parseConfig } from "../config/load";
import type { MatrixGateway } from "../matrix/gateway";
import type { Store } from "../store/store";
import type { EtherpadPort, Workspace } from "../service/workspace";
import { Reactions, type RoomEvent } from "./reactions";

const config = parseConfig({
  homeserver: { url: "http://127.0.0.1:8008", domain: "example.org" },
  web: { publicUrl: "https://pads.example.org" },
  etherpad: { url: "http://etherpad:9001", apiKey: "0123456789abcdef0123" },
  jitsi: { domain: "meet.example.org", auth: "none" },
  permissions: { allowedServers: ["example.org", "partner.org"] },
});

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
  const reactions = new Reactions({ config, store, gateway, workspace: {} as Workspace, etherpad });
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
