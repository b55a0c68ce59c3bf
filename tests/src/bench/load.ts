/**
 * The load part of `pnpm bench`, against the real local stack: R rooms × C `!pad` commands, all
 * rooms at once, and in the same run a floor client doing the same work without Atrium (per
 * command the same Etherpad calls and the same two homeserver writes, same concurrency). Also a
 * 1,000-member room against a 5-member one, and catch-up after an outage. Prints figures;
 * asserts nothing.
 */
import { readFileSync, statSync, openSync, readSync, closeSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createEtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { MatrixClient } from "../harness/matrix-client";
import { roomWithBot } from "../appservice/fixtures";
import { enc } from "../harness/matrix-http";
import { createDatabase, localPostgres } from "../harness/postgres";

export interface LoadOptions {
  rooms: number;
  commands: number;
  postgres: boolean;
  members: number;
  outageSeconds: number;
  queued: number;
}

const TICKS = 100; // USER_HZ on Linux

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return +(kb / 1024).toFixed(1);
}

/** Prometheus text → `name{labels}` → value. */
async function metrics(stack: AtriumStack): Promise<Map<string, number>> {
  const text = await (await fetch(`${stack.appserviceUrl}/metrics`)).text();
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) ([-\d.e+]+|NaN)$/.exec(line);
    if (m?.[1] && m[2]) map.set(m[1], Number(m[2]));
  }
  return map;
}

function requestsByKind(before: Map<string, number>, after: Map<string, number>) {
  const out: Record<string, number> = {};
  for (const [k, v] of after) {
    const m = /^atrium_homeserver_requests_total\{kind="(\w+)"\}$/.exec(k);
    if (m?.[1]) out[m[1]] = v - (before.get(k) ?? 0);
  }
  return out;
}

/** The bytes a log grew by since `offset`. */
function logSince(file: string, offset: number): string {
  const size = statSync(file).size;
  const buf = Buffer.alloc(Math.max(0, size - offset));
  const fd = openSync(file, "r");
  readSync(fd, buf, 0, buf.length, offset);
  closeSync(fd);
  return buf.toString("utf8");
}

/** The bot's requests in Synapse's access log, by kind. */
function accessLogKinds(log: string, bot: string): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const line of log.split("\n")) {
    if (!line.includes(`{${bot}`) || !line.includes("Processed request")) continue;
    const m = /"(GET|PUT|POST|DELETE) ([^ ?"]+)/.exec(line);
    if (!m) continue;
    const [, method, path = ""] = m;
    const kind =
      method === "GET" && /\/rooms\/[^/]+\/state$/.test(path)
        ? "full_state"
        : method === "GET" && /\/state\//.test(path)
          ? "state_read"
          : method === "PUT" && /\/state\//.test(path)
            ? "state_write"
            : method === "PUT" && /\/send\//.test(path)
              ? "message"
              : /joined_members|\/members/.test(path)
                ? "members"
                : `${method} other`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

const perCommand = (kinds: Record<string, number>, n: number) =>
  Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, +(v / n).toFixed(2)]));

/** Watches the bot's notices in every room through one user's /sync. */
class ReplyWatcher {
  private since: string | undefined;
  private stopped = false;
  readonly replies = new Map<string, number[]>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly client: MatrixClient,
    private readonly bot: string,
  ) {}

  async start(): Promise<void> {
    const first = await this.client.request<{ next_batch: string }>(
      "GET",
      "/_matrix/client/v3/sync?timeout=0&filter=" +
        enc(JSON.stringify({ room: { timeline: { limit: 1 } } })),
    );
    this.since = first.next_batch;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const filter = enc(
      JSON.stringify({
        presence: { types: [] },
        account_data: { types: [] },
        room: {
          state: { types: [] },
          ephemeral: { types: [] },
          timeline: { types: ["m.room.message"], senders: [this.bot], limit: 200 },
        },
      }),
    );
    while (!this.stopped) {
      const res = await this.client.request<{
        next_batch: string;
        rooms?: { join?: Record<string, { timeline?: { events?: unknown[] } }> };
      }>(
        "GET",
        `/_matrix/client/v3/sync?timeout=5000&since=${enc(this.since ?? "")}&filter=${filter}`,
      );
      const now = performance.now();
      this.since = res.next_batch;
      for (const [roomId, room] of Object.entries(res.rooms?.join ?? {})) {
        const n = room.timeline?.events?.length ?? 0;
        if (!n) continue;
        const list = this.replies.get(roomId) ?? [];
        for (let i = 0; i < n; i++) list.push(now);
        this.replies.set(roomId, list);
      }
    }
  }

  count(roomId: string): number {
    return this.replies.get(roomId)?.length ?? 0;
  }

  async until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
  }
}

interface PhaseResult {
  completion_s: number;
  per_command_ms: { p50: number; p99: number };
}

/** A phase's figures: its wall time since `start` and the p50/p99 of its command latencies. */
function phaseResult(start: number, latencies: number[]): PhaseResult {
  return {
    completion_s: +((performance.now() - start) / 1000).toFixed(2),
    per_command_ms: {
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
    },
  };
}

/** R rooms × C commands through Atrium, all rooms at once; latencies from send to reply. */
async function atriumPhase(
  stack: AtriumStack,
  owner: TestUser,
  watcher: ReplyWatcher,
  rooms: string[],
  commands: number,
  tag: string,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    rooms.map(async (roomId) => {
      const base = watcher.count(roomId);
      const sent: number[] = [];
      for (let i = 0; i < commands; i++) {
        sent.push(performance.now());
        await owner.client.sendMessage(roomId, `!pad ${tag}${i}`);
      }
      await watcher.until(
        `${commands} replies in ${roomId}`,
        () => watcher.count(roomId) >= base + commands,
        600_000,
      );
      const replies = watcher.replies.get(roomId) ?? [];
      for (let i = 0; i < commands; i++)
        latencies.push((replies[base + i] ?? NaN) - (sent[i] ?? NaN));
    }),
  );
  return phaseResult(start, latencies);
}

/**
 * The same work without Atrium: per command the Etherpad calls and the two bot writes. With
 * `sender`, each command also starts with that user's `!pad` message, as the command path
 * does (a third event for Synapse to persist).
 */
async function floorPhase(
  stack: AtriumStack,
  rooms: string[],
  commands: number,
  sender?: TestUser,
): Promise<PhaseResult> {
  const etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  const bot = new MatrixClient({
    baseUrl: stack.synapse.url,
    accessToken: stack.registration.as_token as string,
    userId: stack.botUserId,
    asAppservice: true,
  });
  const latencies: number[] = [];
  const start = performance.now();
  let txn = 0;
  await Promise.all(
    rooms.map(async (roomId) => {
      for (let i = 0; i < commands; i++) {
        const t = performance.now();
        if (sender) await sender.client.sendMessage(roomId, `floor ${i}`);
        const group = await etherpad.groupForRoom(roomId);
        await etherpad.createGroupPad(group, `floor${i}`);
        await bot.sendState(roomId, "im.vector.modular.widgets", `floor_${i}`, {
          type: "m.etherpad",
          url: `${stack.config.web.publicUrl}/atrium/pad?roomId=$matrix_room_id&widgetId=$matrix_widget_id`,
          name: `floor${i}`,
          data: { title: `floor${i}`, padName: `floor${i}` },
          creatorUserId: stack.botUserId,
          id: `floor_${i}`,
        });
        await bot.request(
          "PUT",
          `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/floor-${Date.now()}-${txn++}`,
          { msgtype: "m.notice", body: `Added the pad "floor${i}".` },
        );
        latencies.push(performance.now() - t);
      }
    }),
  );
  return phaseResult(start, latencies);
}

/** Sequential `!pad` commands in one room, each waiting for its reply. */
async function sequential(
  owner: TestUser,
  watcher: ReplyWatcher,
  roomId: string,
  n: number,
  tag: string,
) {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const base = watcher.count(roomId);
    const t = performance.now();
    await owner.client.sendMessage(roomId, `!pad ${tag}${i}`);
    await watcher.until("a reply", () => watcher.count(roomId) > base, 60_000);
    latencies.push(performance.now() - t);
  }
  return { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) };
}

/** Joins `n` appservice users (`@atrium_bench…`, no passwords to hash) to a public room. */
async function fillRoom(stack: AtriumStack, roomId: string, n: number): Promise<void> {
  const asToken = stack.registration.as_token as string;
  const prefix = `${stack.config.bot.localpart}_bench`;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const localpart = `${prefix}${roomId
        .slice(1, 9)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")}${i}`;
      const user = new MatrixClient({
        baseUrl: stack.synapse.url,
        accessToken: asToken,
        userId: `@${localpart}:${stack.config.homeserver.domain}`,
        asAppservice: true,
      });
      await user
        .request("POST", "/_matrix/client/v3/register", {
          type: "m.login.application_service",
          username: localpart,
          inhibit_login: true,
        })
        .catch(() => undefined); // already registered
      await user.join(roomId);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

export async function loadBench(opts: LoadOptions) {
  const stack = await startAtrium({
    config: (c) => ({ ...c, logging: { level: "warn" } }),
    synapsePostgres: opts.postgres,
    ...(opts.postgres ? { postgresUrl: await benchStoreUrl() } : {}),
  });
  try {
    const owner = await stack.user("owner");
    const watcher = new ReplyWatcher(owner.client, stack.botUserId);
    const make = (n: number, name: string) =>
      Promise.all(
        Array.from({ length: n }, (_, i) => roomWithBot(stack, owner, { name: `${name} ${i}` })),
      );
    const [atriumRooms, floorRooms, floorMessageRooms] = [
      await make(opts.rooms, "Load"),
      await make(opts.rooms, "Floor"),
      await make(opts.rooms, "Floor+message"),
    ];
    await watcher.start();
    // Warm-up: one command per room (the state cache's cold fill happens here, once a room).
    await atriumPhase(stack, owner, watcher, atriumRooms, 1, "warm");
    const idleRss = rssMiB(stack.atrium.pid);

    // Atrium under load.
    const m0 = await metrics(stack);
    const logOffset = statSync(stack.synapse.logFile).size;
    const cpu0 = { as: cpuSeconds(stack.atrium.pid), hs: cpuSeconds(stack.synapse.pid) };
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(stack.atrium.pid))), 100);
    const atrium = await atriumPhase(stack, owner, watcher, atriumRooms, opts.commands, "p");
    clearInterval(sampler);
    const cpu1 = { as: cpuSeconds(stack.atrium.pid), hs: cpuSeconds(stack.synapse.pid) };
    const m1 = await metrics(stack);
    const n = opts.rooms * opts.commands;
    const accessLog = accessLogKinds(logSince(stack.synapse.logFile, logOffset), stack.botUserId);

    // The floor, same rooms count, same concurrency.
    const floor = await floorPhase(stack, floorRooms, opts.commands);
    const floorWithMessage = await floorPhase(stack, floorMessageRooms, opts.commands, owner);

    // A 1,000-member room against a 5-member one.
    const big = await roomWithBot(stack, owner, { name: "Big" });
    const small = await roomWithBot(stack, owner, { name: "Small" });
    const fillStart = performance.now();
    await fillRoom(stack, big, opts.members);
    const fillS = (performance.now() - fillStart) / 1000;
    await fillRoom(stack, small, 3);
    await sequential(owner, watcher, big, 1, "wb");
    await sequential(owner, watcher, small, 1, "ws");
    const bigLatency = await sequential(owner, watcher, big, 10, "b");
    const smallLatency = await sequential(owner, watcher, small, 10, "s");

    // Catch-up: the appservice away, commands queued at the homeserver, then back.
    const queuedRooms = atriumRooms.slice(0, Math.max(1, Math.min(atriumRooms.length, 5)));
    const perRoom = Math.ceil(opts.queued / queuedRooms.length);
    const bases = new Map(queuedRooms.map((r) => [r, watcher.count(r)]));
    await stack.stopAppservice();
    const outageStart = performance.now();
    for (const roomId of queuedRooms) {
      for (let i = 0; i < perRoom; i++) await owner.client.sendMessage(roomId, `!pad q${i}`);
    }
    const wait = opts.outageSeconds * 1000 - (performance.now() - outageStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const back = performance.now();
    await stack.restart();
    await watcher.until(
      "the queued commands' replies",
      () => queuedRooms.every((r) => watcher.count(r) >= (bases.get(r) ?? 0) + perRoom),
      600_000,
    );
    const catchUpS = (performance.now() - back) / 1000;
    await watcher.stop();

    const hsCpu = cpu1.hs - cpu0.hs;
    const asCpu = cpu1.as - cpu0.as;
    return {
      scenario: {
        rooms: opts.rooms,
        commands_per_room: opts.commands,
        store: opts.postgres ? "postgres" : "sqlite",
      },
      atrium,
      floor,
      completion_ratio_atrium_to_floor: +(atrium.completion_s / floor.completion_s).toFixed(2),
      floor_with_user_message: floorWithMessage,
      completion_ratio_atrium_to_floor_with_user_message: +(
        atrium.completion_s / floorWithMessage.completion_s
      ).toFixed(2),
      homeserver_requests_per_command: {
        synapse_access_log: perCommand(accessLog, n),
        atrium_client_metrics: perCommand(requestsByKind(m0, m1), n),
      },
      cpu_seconds: {
        appservice: +asCpu.toFixed(2),
        synapse: +hsCpu.toFixed(2),
        appservice_share_of_synapse: +(asCpu / hsCpu).toFixed(3),
      },
      appservice_rss_mib: { idle: idleRss, peak: peakRss },
      event_loop_delay_ms_p99: +(
        (m1.get("atrium_nodejs_eventloop_lag_p99_seconds") ?? NaN) * 1000
      ).toFixed(1),
      big_room: {
        members: opts.members,
        fill_s: +fillS.toFixed(1),
        command_ms: bigLatency,
        five_member_room_command_ms: smallLatency,
        ratio_p50: +(bigLatency.p50 / smallLatency.p50).toFixed(2),
      },
      catch_up: {
        outage_s: opts.outageSeconds,
        queued_commands: perRoom * queuedRooms.length,
        last_reply_after_restart_s: +catchUpS.toFixed(2),
      },
    };
  } finally {
    await stack.stop();
  }
}

/** A per-run PostgreSQL database for Atrium's store (the harness drops Synapse's itself). */
async function benchStoreUrl(): Promise<string> {
  const server = localPostgres();
  const name = await createDatabase(server, "bench");
  return `postgres://${server.user}@${server.host}:${server.port}/${name}`;
}

/** The short table printed after the JSON. */
export function loadTable(r: Awaited<ReturnType<typeof loadBench>>): string {
  const rows: string[][] = [
    ["", "Atrium", "floor", "floor + user's message"],
    [
      "completion (s)",
      String(r.atrium.completion_s),
      String(r.floor.completion_s),
      String(r.floor_with_user_message.completion_s),
    ],
    [
      "per command p50 (ms)",
      String(r.atrium.per_command_ms.p50),
      String(r.floor.per_command_ms.p50),
      String(r.floor_with_user_message.per_command_ms.p50),
    ],
    [
      "per command p99 (ms)",
      String(r.atrium.per_command_ms.p99),
      String(r.floor.per_command_ms.p99),
      String(r.floor_with_user_message.per_command_ms.p99),
    ],
  ];
  const width = [22, 10, 10, 24];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i] ?? 10)).join(" ");
  return [
    ...rows.map(line),
    `ratio Atrium/floor: ${r.completion_ratio_atrium_to_floor} (to floor + user's message: ${r.completion_ratio_atrium_to_floor_with_user_message})`,
    `homeserver requests per command (access log): ${JSON.stringify(r.homeserver_requests_per_command.synapse_access_log)}`,
    `CPU s: appservice ${r.cpu_seconds.appservice}, Synapse ${r.cpu_seconds.synapse} (${(r.cpu_seconds.appservice_share_of_synapse * 100).toFixed(1)}%)`,
    `appservice RSS MiB: idle ${r.appservice_rss_mib.idle}, peak ${r.appservice_rss_mib.peak}; event-loop delay p99 ${r.event_loop_delay_ms_p99} ms`,
    `${r.big_room.members}-member room p50 ${r.big_room.command_ms.p50} ms vs 5-member ${r.big_room.five_member_room_command_ms.p50} ms (×${r.big_room.ratio_p50})`,
    `catch-up: ${r.catch_up.queued_commands} commands queued during ${r.catch_up.outage_s} s, last reply ${r.catch_up.last_reply_after_restart_s} s after restart`,
  ].join("\n");
}
