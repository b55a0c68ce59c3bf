/**
 * `pnpm bench -- --encrypted`: what end-to-end encryption costs the bot, against the real local
 * stack, with an Element-equivalent user (matrix-js-sdk with its Rust crypto, e2ee-user.ts):
 *
 * - `!pad` command-to-reply p50/p99 in encrypted rooms against plaintext rooms, same run, same
 *   client, sequential per room;
 * - the bot's first send into an encrypted room of M members (default 200), each with a device
 *   that uploaded its keys (created here with js-sdk crypto init; setup time printed);
 * - the appservice's RSS idle (after start) and at peak (VmHWM), with the crypto store's session
 *   counts read from its SQLite file;
 * - the store's open time at start (the appservice's "device is ready" log line, `open_ms`).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { DatabaseSync } from "node:sqlite";
import { startAtrium, type AtriumStack } from "../harness/atrium";
import { E2eeUser, MEGOLM, type SeenMessage } from "../harness/e2ee-user";

/** How the encrypted bench runs (env: ATRIUM_BENCH_E2EE_ROOMS, _COMMANDS, _MEMBERS). */
export interface EncryptedOptions {
  rooms: number;
  commands: number;
  members: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function memoryMib(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: +(kib("VmRSS") / 1024).toFixed(1), peak: +(kib("VmHWM") / 1024).toFixed(1) };
}

/** The store's open time from the appservice's log (the last start's line). */
function storeOpen(logFile: string): { open_ms?: number; replayed_records?: number } {
  const lines = readFileSync(logFile, "utf8")
    .split("\n")
    .filter((l) => /"(open_ms|openMs)"/.test(l));
  const last = lines.at(-1);
  if (!last) return {};
  const entry = JSON.parse(last.slice(last.indexOf("{"))) as Record<string, number>;
  return {
    open_ms: entry.open_ms ?? entry.openMs,
    replayed_records: entry.replayed_records ?? entry.replayedRecords,
  };
}

/** matrix-js-sdk's per-room loggers write to the console at debug: kept out of the figures. */
function quietConsole(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  const none = () => undefined;
  Object.assign(console, { log: none, info: none, debug: none, warn: none });
  return () => Object.assign(console, saved);
}

/** Records per IndexedDB object store in the crypto store's file (sessions and room keys). */
function storeCounts(file: string): Record<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db
      .prepare("SELECT store, count(*) AS n FROM idb_records GROUP BY store")
      .all() as Array<{ store: string; n: number }>;
    return Object.fromEntries(
      rows.filter((r) => /session/i.test(r.store)).map((r) => [r.store, Number(r.n)]),
    );
  } finally {
    db.close();
  }
}

const fromBot = (stack: AtriumStack, name: string) => (m: SeenMessage) =>
  m.sender === stack.botUserId && m.body.includes(`"${name}"`);

async function padLatencies(
  stack: AtriumStack,
  alice: E2eeUser,
  rooms: string[],
  commands: number,
  tag: string,
): Promise<number[]> {
  const all = await Promise.all(
    rooms.map(async (roomId, r) => {
      const times: number[] = [];
      for (let k = 0; k < commands; k++) {
        const name = `${tag}${r}x${k}`;
        const t = performance.now();
        await alice.send(roomId, `!pad ${name}`);
        await alice.waitForMessage(roomId, fromBot(stack, name), 60_000);
        times.push(performance.now() - t);
      }
      return times;
    }),
  );
  return all.flat().sort((a, b) => a - b);
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function encryptedBench(opts: EncryptedOptions) {
  const restoreConsole = quietConsole();
  const stack = await startAtrium();
  const users: E2eeUser[] = [];
  try {
    const storeFile = stack.config.encryption.storePath;
    const idle = memoryMib(stack.atrium.pid);
    const owner = await stack.user("owner");
    const alice = await E2eeUser.start(stack.synapse.url, owner.user);
    users.push(alice);

    const roomsWithBot = async (encrypted: boolean): Promise<string[]> =>
      Promise.all(
        Array.from({ length: opts.rooms }, async (_, i) => {
          const roomId = encrypted
            ? await alice.createEncryptedRoom([stack.botUserId], `E${i}`)
            : await owner.client.createRoom({ preset: "private_chat", invite: [stack.botUserId] });
          await owner.client.waitForMembership(roomId, stack.botUserId, "join");
          await owner.client.setPowerLevel(roomId, stack.botUserId, 50);
          return roomId;
        }),
      );
    const plainRooms = await roomsWithBot(false);
    const encRooms = await roomsWithBot(true);
    // Warm-up (first send into each encrypted room shares its key): one command each, not measured.
    await padLatencies(stack, alice, [...plainRooms, ...encRooms], 1, "warm");
    const plain = await padLatencies(stack, alice, plainRooms, opts.commands, "p");
    const enc = await padLatencies(stack, alice, encRooms, opts.commands, "e");

    // A room of M members, each with a device that uploaded its keys.
    const setupStart = performance.now();
    const { room_id: bigRoom } = await alice.client.createRoom({
      preset: "public_chat" as never,
      name: "Big encrypted",
      invite: [stack.botUserId],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }],
    });
    await owner.client.waitForMembership(bigRoom, stack.botUserId, "join");
    await owner.client.setPowerLevel(bigRoom, stack.botUserId, 50);
    const memberIds: string[] = [];
    await pool(
      Array.from({ length: opts.members }, (_, i) => i),
      6,
      async (i) => {
        const m = await stack.user(`m${i}`);
        const member = await E2eeUser.start(stack.synapse.url, m.user);
        await m.client.join(bigRoom);
        await member.stop();
        memberIds.push(m.user.userId);
      },
    );
    const keyed = (await alice.client.http.authedRequest(
      "POST" as never,
      "/keys/query",
      undefined,
      {
        device_keys: Object.fromEntries(memberIds.map((u) => [u, []])),
      },
    )) as { device_keys?: Record<string, Record<string, unknown>> };
    const withKeys = Object.values(keyed.device_keys ?? {}).filter(
      (d) => Object.keys(d).length > 0,
    ).length;
    const setupS = (performance.now() - setupStart) / 1000;
    await alice.waitForJoin(bigRoom, memberIds.at(-1)!, 60_000);
    const t = performance.now();
    await alice.send(bigRoom, "!pad bigroom");
    const firstReply = await alice.waitForMessage(bigRoom, fromBot(stack, "bigroom"), 180_000);
    const firstSendMs = performance.now() - t;

    const peak = memoryMib(stack.atrium.pid);
    const opened = storeOpen(stack.atrium.logFile);
    const sessions = storeCounts(storeFile);
    // Started again on the store this run filled: its open time and RSS with those sessions.
    await stack.restart();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const reopened = storeOpen(stack.atrium.logFile);
    const afterRestart = memoryMib(stack.atrium.pid);
    const ratio = (p: number) => +(percentile(enc, p) / percentile(plain, p)).toFixed(2);
    return {
      pad_plaintext_ms: {
        p50: Math.round(percentile(plain, 50)),
        p99: Math.round(percentile(plain, 99)),
        samples: plain.length,
      },
      pad_encrypted_ms: {
        p50: Math.round(percentile(enc, 50)),
        p99: Math.round(percentile(enc, 99)),
        samples: enc.length,
      },
      encrypted_over_plaintext: { p50: ratio(50), p99: ratio(99), target: "<= 1.2" },
      rooms_each: opts.rooms,
      big_room: {
        members: opts.members,
        members_with_device_keys: withKeys,
        setup_s: +setupS.toFixed(1),
        first_send_command_to_reply_ms: Math.round(firstSendMs),
        reply_decrypted: firstReply.encrypted && !firstReply.failed,
      },
      appservice_rss_mib: {
        idle: idle.rss,
        now: peak.rss,
        peak: peak.peak,
        idle_after_restart: afterRestart.rss,
        target_peak: 180,
      },
      crypto_store_sessions: sessions,
      store_open_at_start: { empty_store: opened, filled_store_after_restart: reopened },
      store_file: path.basename(storeFile),
    };
  } finally {
    for (const u of users) await u.stop();
    await stack.stop();
    restoreConsole();
  }
}
