/**
 * Sends the feed outbox, oldest first. Each message goes out with a transaction id derived
 * from (subscription, entry key): a resend after a crash (after the send, before it was marked
 * sent) is the same request to the homeserver, which answers with the first event. Synapse
 * remembers transaction ids for a limited time, so a row first tried longer ago than that
 * checks the room's recent history for the same message before sending again.
 */
import type { Logger } from "pino";
import { errcodeOf } from "../../matrix/errors";
import type { FeedMetrics } from "./metrics";
import type { FeedStore, OutboxRow } from "./store";

export interface NoticeSender {
  sendNotice(roomId: string, plain: string, html: string, dedupeKey?: string): Promise<void>;
}

/** Whether the bot sent a message with this body among the room's recent events. */
export type RecentlySent = (roomId: string, body: string) => Promise<boolean>;

/** The homeserver's transaction-id memory we rely on (Synapse keeps them about 30 min). */
const TXN_MEMORY_MS = 20 * 60 * 1000;
/** Give up on a message after this many failed attempts (the bot left, lost its voice…). */
const MAX_ATTEMPTS = 30;
const RETRY_MAX_MS = 5 * 60 * 1000;

/** The dedupe key of a message: the gateway turns it into the transaction id. */
export function dedupeKeyOf(row: Pick<OutboxRow, "subscription_id" | "item_key">): string {
  return `feed:${row.subscription_id}:${row.item_key}`;
}

export class Delivery {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: FeedStore;
      sender: NoticeSender;
      recentlySent?: RecentlySent;
      metrics: FeedMetrics;
      log: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Sends what is due; concurrent kicks coalesce into one more pass. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (error: unknown) {
        this.deps.log.error({ err: error }, "feed delivery pass failed");
      } finally {
        this.running = null;
        await this.schedule();
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = await this.deps.store.nextAttempt().catch(() => null);
    this.deps.metrics.outboxPending.set(await this.deps.store.pendingCount().catch(() => 0));
    if (next === null) return;
    this.timer = setTimeout(
      () => void this.kick(),
      Math.max(50, Math.min(next - this.now(), 60_000)),
    );
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    for (;;) {
      const rows = await this.deps.store.pendingMessages(this.now(), 20);
      if (rows.length === 0 || this.stopped) return;
      for (const row of rows) {
        if (this.stopped) return;
        await this.deliver(row);
      }
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const log = this.deps.log.child({ room_id: row.room_id, outbox_id: row.id });
    try {
      const old = row.attempts > 0 && this.now() - row.created_at > TXN_MEMORY_MS;
      if (old && (await this.deps.recentlySent?.(row.room_id, row.plain))) {
        log.info("message already in the room (sent before a crash); not sending again");
      } else {
        await this.deps.sender.sendNotice(row.room_id, row.plain, row.html, dedupeKeyOf(row));
      }
      await this.deps.store.markSent(row.id, this.now());
      this.deps.metrics.deliveryLag.observe(Math.max(0, this.now() - row.created_at) / 1000);
    } catch (error: unknown) {
      const attempts = row.attempts + 1;
      const errcode = errcodeOf(error);
      // Too large is final: the same bytes would be refused again (render.ts bounds messages).
      const reason =
        errcode === "M_TOO_LARGE"
          ? "too_large"
          : errcode === "M_NOT_FOUND"
            ? "not_found"
            : attempts >= MAX_ATTEMPTS
              ? "attempts"
              : null;
      const drop = reason !== null;
      const delay = Math.min(RETRY_MAX_MS, 1000 * 2 ** Math.min(attempts, 12));
      log.warn(
        { err: error, attempts, dropped: drop, reason },
        drop ? "feed message dropped, not retried" : "feed message not sent; will retry",
      );
      if (reason) this.deps.metrics.messagesDropped.inc({ reason });
      await this.deps.store.markAttemptFailed(
        row.id,
        attempts,
        this.now() + delay,
        error instanceof Error ? error.message : String(error),
        drop,
      );
    }
  }
}
