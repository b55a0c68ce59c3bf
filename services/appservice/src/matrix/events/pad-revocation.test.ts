/**
 * Issue 22 item 4: a pad-session revocation is never dropped because Etherpad was down. The
 * leave is recorded as a durable revocation, tried at once, retried with backoff until Etherpad
 * confirms (across a restart of Atrium too), and the event itself is done without burning its
 * retries. Real SQLite store; Etherpad is a stand-in that can be "down".
 */
import pino from "pino";
import type { Store } from "../../store/store";
import { Registry } from "prom-client";
import {
  PadRevocations,
  registerRevocationGauge,
  revocationBackoffMs,
} from "../../store/pad-revocations";
import { createMetrics } from "../../util/metrics";
import type { MatrixGateway } from "../gateway";
import type { EtherpadPort } from "../../workspace/workspace";
import type { CommandHandler } from "../../doors/commands/handler";
import { Processor } from "./processor";
import { reactionsWith } from "../../test-support/reactions";
import { storeRunsPerTest } from "../../test-support/temp-store";

const ROOM = "!r:example.org";
const USER = "@leaver:example.org";
const log = pino({ level: "silent" });

function flakyEtherpad() {
  const state = { up: false, deleted: [] as string[], attempts: 0 };
  const etherpad = {
    async deleteSession(id: string) {
      state.attempts++;
      if (!state.up) throw new Error("connect ECONNREFUSED 127.0.0.1:9001");
      state.deleted.push(id);
    },
  } as unknown as EtherpadPort;
  return { etherpad, state };
}

const stores = storeRunsPerTest();

async function storeWithSession(): Promise<Store> {
  const store = await stores.open();
  await store.savePadSession({
    session_id: "s.held",
    room_id: ROOM,
    user_id: USER,
    group_id: "g.abcdefghijklmnop",
    valid_until: Date.now() + 12 * 3600_000,
    created_at: Date.now(),
  });
  return store;
}

const leave = {
  event_id: "$leave",
  room_id: ROOM,
  sender: USER,
  type: "m.room.member",
  state_key: USER,
  content: { membership: "leave" },
};

it("a leave while Etherpad is down is done once and its revocation kept, then confirmed when Etherpad is back", async () => {
  const store = await storeWithSession();
  const { etherpad, state } = flakyEtherpad();
  let now = 1_000_000;
  const revocations = new PadRevocations(store.db, () => now);
  const gateway = { botUserId: "@atrium:example.org" } as unknown as MatrixGateway;
  const reactions = reactionsWith({ store, gateway, etherpad, revocations });
  const notices: string[] = [];
  const processor = new Processor({
    store,
    commands: {} as CommandHandler,
    reactions,
    gateway: { ...gateway, sendNotice: async (_r: string, p: string) => void notices.push(p) },
    metrics: createMetrics(),
    log,
    backoffMs: () => 1,
  });
  await store.recordEvents("t1", [leave]);
  await processor.kick();
  // The event is done (no failure told to the room), one attempt at Etherpad so far.
  expect(await store.pendingEvents()).toEqual([]);
  expect(notices).toEqual([]);
  expect(state.attempts).toBe(1);
  expect(await store.padSessionsOf(ROOM, USER)).toEqual([]);
  expect(await revocations.pending(ROOM, USER)).toBe(true);
  const registry = new Registry();
  registerRevocationGauge(registry, revocations);
  expect(await registry.getSingleMetricAsString("atrium_pad_revocations_pending")).toMatch(
    /^atrium_pad_revocations_pending 1$/m,
  );

  // Still down: not due before its backoff, then tried and rescheduled.
  expect(await revocations.run(etherpad)).toEqual({ done: 0, failed: 0 });
  now += revocationBackoffMs(1);
  expect(await revocations.run(etherpad)).toEqual({ done: 0, failed: 1 });
  expect(await revocations.pending(ROOM, USER)).toBe(true);

  // Atrium restarts (a new store handle on the same file); Etherpad comes back.
  const reopened = await stores.restart();
  const again = new PadRevocations(reopened.db, () => now + 60_000);
  state.up = true;
  expect(await again.run(etherpad)).toEqual({ done: 1, failed: 0 });
  expect(state.deleted).toEqual(["s.held"]);
  expect(await again.pending(ROOM, USER)).toBe(false);
  expect(await again.count()).toBe(0);
});

it("backs off 1 s, 2 s, 4 s … and never waits more than 15 s between attempts", () => {
  expect([1, 2, 3, 4, 5, 10].map(revocationBackoffMs)).toEqual([
    1000, 2000, 4000, 8000, 15000, 15000,
  ]);
});

it("scheduling the same member twice moves each session once", async () => {
  const store = await storeWithSession();
  const revocations = new PadRevocations(store.db);
  expect(await revocations.schedule(ROOM, USER, "leave")).toBe(1);
  expect(await revocations.schedule(ROOM, USER, "ban")).toBe(0);
  expect(await revocations.count()).toBe(1);
});
