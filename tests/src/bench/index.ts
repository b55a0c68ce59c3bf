/**
 * `pnpm bench`: prints figures as JSON, asserts nothing. Pure library throughput, the store's
 * inbox, end to end against the real local stack (how long a `!pad` takes from the user's
 * message to the bot's reply), and the load scenario with its floor (load.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseWidgetsFromState, validatePadName, validateWidgetUrl } from "@atrium/widgets";
import { Store } from "@atrium/appservice/dist/store/store";
import { startAtrium } from "../harness/atrium";
import { feedParseBench } from "./feed-parse";
import { loadBench, loadTable, type LoadOptions } from "./load";
import { callsBench } from "./calls";
import { encryptedBench } from "./encrypted";

function opsPerSecond(fn: () => void, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return Math.round(iterations / ((performance.now() - start) / 1000));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function pure() {
  const urls = [
    "https://example.org/board?team=1",
    "JaVaScRiPt:alert(1)",
    "http://169.254.169.254/latest",
    "https://user:pw@example.org/",
    "https://docs.example.org/$matrix_room_id",
  ];
  let i = 0;
  const state = Array.from({ length: 1000 }, (_, n) => ({
    type: "im.vector.modular.widgets",
    state_key: `w${n}`,
    content: { type: "m.custom", url: `https://example.org/${n}`, name: `W${n}`, data: {} },
  }));
  const t = performance.now();
  parseWidgetsFromState(state);
  const parseMs = performance.now() - t;
  return {
    validateWidgetUrl_ops_per_s: opsPerSecond(
      () => validateWidgetUrl(urls[i++ % urls.length]!, { refusePrivateAddresses: true }),
      50_000,
    ),
    validatePadName_ops_per_s: opsPerSecond(() => validatePadName(`notes-${i++ % 1000}`), 100_000),
    parse_1000_widget_events_ms: +parseMs.toFixed(2),
  };
}

async function store() {
  const dir = mkdtempSync(path.join(tmpdir(), "atrium-bench-"));
  const s = await Store.open({ engine: "sqlite", filename: path.join(dir, "bench.db") });
  const n = 2000;
  const events = Array.from({ length: n }, (_, k) => ({
    event_id: `$e${k}`,
    room_id: "!r:x",
    sender: "@a:x",
    type: "m.room.message",
    content: { body: "hello" },
  }));
  const t0 = performance.now();
  for (let k = 0; k < n; k += 10) await s.recordEvents(`t${k}`, events.slice(k, k + 10));
  const recordMs = performance.now() - t0;
  const t1 = performance.now();
  for (;;) {
    const batch = await s.pendingEvents(100);
    if (!batch.length) break;
    for (const e of batch) await s.markProcessed(e.seq);
  }
  const drainMs = performance.now() - t1;
  await s.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    inbox_record_events_per_s: Math.round(n / (recordMs / 1000)),
    inbox_drain_events_per_s: Math.round(n / (drainMs / 1000)),
  };
}

async function endToEnd(commands: number) {
  const stack = await startAtrium({ config: (c) => ({ ...c, logging: { level: "warn" } }) });
  try {
    const alice = await stack.user("alice");
    const roomId = await alice.client.createRoom({ preset: "public_chat" });
    await alice.client.invite(roomId, stack.botUserId);
    await alice.client.waitForMembership(roomId, stack.botUserId, "join");
    await alice.client.setPowerLevel(roomId, stack.botUserId, 50);
    const latencies: number[] = [];
    for (let k = 0; k < commands; k++) {
      const t = performance.now();
      await alice.client.sendMessage(roomId, `!pad bench${k}`);
      await alice.client.waitForMessage(
        roomId,
        (e) => e.sender === stack.botUserId && String(e.content.body).includes(`"bench${k}"`),
        60_000,
      );
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const status = readFileSync(`/proc/${stack.atrium.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return {
      pad_command_to_reply_ms_p50: Math.round(percentile(latencies, 50)),
      pad_command_to_reply_ms_p95: Math.round(percentile(latencies, 95)),
      pad_commands: commands,
      appservice_rss_mib: +(rssKb / 1024).toFixed(1),
    };
  } finally {
    await stack.stop();
  }
}

const USAGE =
  "usage: pnpm bench [--rooms R] [--commands C] [--postgres] [--members M] [--outage SECONDS] [--queued N]";

/** `--rooms 20 --commands 10 --postgres --members 1000 --outage 180 --queued 50` (the defaults). */
export function parseLoadFlags(argv: string[]): LoadOptions {
  const opts: LoadOptions = {
    rooms: 20,
    commands: 10,
    postgres: false,
    members: 1000,
    outageSeconds: 180,
    queued: 50,
  };
  const numeric: Record<string, keyof LoadOptions> = {
    "--rooms": "rooms",
    "--commands": "commands",
    "--members": "members",
    "--outage": "outageSeconds",
    "--queued": "queued",
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    if (flag === "--") continue;
    if (flag === "--postgres") {
      opts.postgres = true;
      continue;
    }
    const key = numeric[flag];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isInteger(value) || value < (key === "outageSeconds" ? 0 : 1)) {
      throw new Error(`bench: ${flag} ${argv[i + 1] ?? ""} is not understood. ${USAGE}`);
    }
    (opts as unknown as Record<string, number>)[key] = value;
    i++;
  }
  return opts;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // `--calls`: only the MatrixRTC token figures (calls.ts); ATRIUM_BENCH_CALL_MEMBERS, default 50.
  const callsOptions = {
    members: Number(process.env.ATRIUM_BENCH_CALL_MEMBERS ?? 50),
    rounds: Number(process.env.ATRIUM_BENCH_CALL_ROUNDS ?? 4),
  };
  if (argv.includes("--calls")) {
    console.log(JSON.stringify({ calls: await callsBench(callsOptions) }, null, 2));
    return;
  }
  // `--encrypted`: only the end-to-end encryption figures (encrypted.ts).
  if (argv.includes("--encrypted")) {
    const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
    const encrypted = await encryptedBench({
      rooms: env("ATRIUM_BENCH_E2EE_ROOMS", 3),
      commands: env("ATRIUM_BENCH_E2EE_COMMANDS", 20),
      members: env("ATRIUM_BENCH_E2EE_MEMBERS", 200),
    });
    console.log(JSON.stringify({ encrypted }, null, 2));
    return;
  }
  const loadOptions = parseLoadFlags(argv);
  const os = await import("node:os");
  const results = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    pure: pure(),
    store: await store(),
    feed_parse: await feedParseBench(),
    end_to_end: await endToEnd(Number(process.env.ATRIUM_BENCH_COMMANDS ?? 20)),
    load: await loadBench(loadOptions),
    calls: await callsBench(callsOptions),
  };
  console.log(JSON.stringify(results, null, 2));
  console.log(`\n${loadTable(results.load)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
