/**
 * The bot device's key stream: a long-polled `/sync`, filtered to to-device messages, device
 * lists and one-time-key counts (no rooms: room events arrive in transactions). Each batch goes
 * to the OlmMachine; its `since` advances only after the machine stored the keys and its
 * outgoing requests were sent, so a crash replays the batch instead of losing a key. Keys sent
 * while Atrium was down wait in the homeserver's to-device inbox for the next start.
 */
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "pino";
import type { DeviceHttp } from "./device-http";
import type { MetaStore } from "./meta";
import type { CryptoMetrics } from "./metrics";
import type { OutgoingRequests } from "./outgoing";

const FILTER = JSON.stringify({
  room: { rooms: [] },
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
});
/** More to-device events than this from one sender in one batch is logged as a flood. */
const FLOOD = 50;

interface SyncBatch {
  next_batch: string;
  to_device?: { events?: unknown[] };
  device_lists?: { changed?: unknown[]; left?: unknown[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
  "org.matrix.msc2732.device_unused_fallback_key_types"?: string[];
}

export interface KeysStreamDeps {
  machine: sdk.OlmMachine;
  http: DeviceHttp;
  outgoing: OutgoingRequests;
  meta: MetaStore;
  metrics: CryptoMetrics;
  log: Logger;
  /** Long-poll timeout, ms. Default 30 s. */
  pollMs?: number;
}

export class KeysStream {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private lastBatchAt = Date.now();
  private batches = 0;
  private firstBatch: Promise<void>;
  private firstBatchDone!: () => void;

  constructor(private readonly deps: KeysStreamDeps) {
    this.firstBatch = new Promise((resolve) => (this.firstBatchDone = resolve));
  }

  /** Seconds since the last completed batch. */
  get lagSeconds(): number {
    return (Date.now() - this.lastBatchAt) / 1000;
  }

  /** Resolves once the first batch (what waited while Atrium was down) is processed. */
  caughtUp(): Promise<void> {
    return this.firstBatch;
  }

  start(): void {
    this.deps.metrics.lag.seconds = () => this.lagSeconds;
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { log } = this.deps;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        await this.once();
        failures = 0;
      } catch (error: unknown) {
        if (this.abort.signal.aborted) return;
        failures++;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        log.warn({ err: error, failures, retry_ms: delay }, "key stream failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  /** One `/sync` round: fetch, hand to the machine, send its requests, then advance `since`. */
  async once(): Promise<void> {
    const { http, meta } = this.deps;
    const since = await meta.get("since");
    const batch = await http.request<SyncBatch>("GET", "/_matrix/client/v3/sync", undefined, {
      query: {
        filter: FILTER,
        timeout: String(since ? (this.deps.pollMs ?? 30_000) : 0),
        set_presence: "offline",
        ...(since ? { since } : {}),
      },
      timeoutMs: (this.deps.pollMs ?? 30_000) + 30_000,
      signal: this.abort.signal,
      attempts: 1,
    });
    await this.process(batch);
    await this.deps.outgoing.flush();
    await meta.set({ since: batch.next_batch });
    this.lastBatchAt = Date.now();
    if (++this.batches === 1) this.firstBatchDone();
  }

  private async process(batch: SyncBatch): Promise<void> {
    const { machine, metrics, log } = this.deps;
    const events = (batch.to_device?.events ?? []).filter(
      (e): e is Record<string, unknown> => !!e && typeof e === "object" && !Array.isArray(e),
    );
    this.noteFloods(events);
    const userIds = (list: unknown[] | undefined) =>
      (list ?? []).flatMap((u) => {
        try {
          return typeof u === "string" ? [new sdk.UserId(u)] : [];
        } catch {
          return [];
        }
      });
    const lists = new sdk.DeviceLists(
      userIds(batch.device_lists?.changed),
      userIds(batch.device_lists?.left),
    );
    const counts = new Map(Object.entries(batch.device_one_time_keys_count ?? {}));
    const fallback =
      batch.device_unused_fallback_key_types ??
      batch["org.matrix.msc2732.device_unused_fallback_key_types"];
    const processed = await machine.receiveSyncChanges(
      JSON.stringify(events),
      lists,
      counts,
      fallback ? new Set(fallback) : undefined,
    );
    for (const item of processed) {
      switch (item.type) {
        case sdk.ProcessedToDeviceEventType.Decrypted:
          metrics.toDevice.inc({ outcome: "decrypted" });
          break;
        case sdk.ProcessedToDeviceEventType.PlainText:
          metrics.toDevice.inc({ outcome: "plain" });
          break;
        case sdk.ProcessedToDeviceEventType.UnableToDecrypt:
          metrics.toDevice.inc({ outcome: "undecryptable" });
          metrics.decryptFailures.inc({ reason: "to_device_undecryptable" });
          log.warn({ sender: senderOf(item) }, "a to-device message could not be decrypted");
          break;
        case sdk.ProcessedToDeviceEventType.Invalid:
          metrics.toDevice.inc({ outcome: "invalid" });
          metrics.decryptFailures.inc({ reason: "to_device_invalid" });
          log.warn({ sender: senderOf(item) }, "an invalid to-device message was refused");
          break;
      }
    }
  }

  /** One sender filling a batch is logged and counted (the machine still reads every event). */
  private noteFloods(events: Array<Record<string, unknown>>): void {
    const bySender = new Map<string, number>();
    for (const e of events) {
      const sender = typeof e.sender === "string" ? e.sender : "?";
      bySender.set(sender, (bySender.get(sender) ?? 0) + 1);
    }
    for (const [sender, count] of bySender) {
      if (count > FLOOD) {
        this.deps.metrics.toDevice.inc({ outcome: "flood" }, count);
        this.deps.log.warn({ sender, count }, "many to-device messages from one sender");
      }
    }
  }
}

function senderOf(item: sdk.ProcessedToDeviceEvent): string | null {
  try {
    const raw = JSON.parse(item.rawEvent) as { sender?: unknown };
    return typeof raw.sender === "string" ? raw.sender : null;
  } catch {
    return null;
  }
}
