/**
 * The feed outbox's table family: the messages waiting to be sent and their attempts
 * (delivery.ts reads and marks them; `enqueue` writes them inside the caller's transaction).
 * Moved from store.ts (issue 24); {@link FeedStore} extends this class.
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import { countOf, earliestOf } from "../../store/queries";
import { due, dueNow, retryAt } from "../../store/retry-queue";
import type { Database, FeedOutboxTable } from "../../store/schema";

/** A row of `feed_outbox`. */
export type OutboxRow = Selectable<FeedOutboxTable>;

/** One message to queue for a subscription. */
export interface OutboxMessage {
  subscriptionId: number;
  roomId: string;
  itemKey: string;
  plain: string;
  html: string;
  itemDate: number | null;
}

/** The outbox's reads and marks. */
export class FeedOutboxStore {
  constructor(readonly db: Kysely<Database>) {}

  /** The messages not sent yet (nor dropped). */
  private pending() {
    return this.db.selectFrom("feed_outbox").where("state", "=", "pending");
  }

  async pendingMessages(now: number, limit: number): Promise<OutboxRow[]> {
    return due(this.pending(), now).selectAll().orderBy("id").limit(limit).execute();
  }

  async pendingCount(): Promise<number> {
    return countOf(this.pending());
  }

  async nextAttempt(): Promise<number | null> {
    return earliestOf(this.pending(), "next_attempt_at");
  }

  async markSent(id: number, now: number): Promise<void> {
    await this.db
      .updateTable("feed_outbox")
      .set({ state: "sent", sent_at: now, last_error: null })
      .where("id", "=", id)
      .execute();
  }

  async markAttemptFailed(
    id: number,
    attempts: number,
    nextAt: number,
    error: string,
    drop: boolean,
  ): Promise<void> {
    await this.db
      .updateTable("feed_outbox")
      .set({ attempts, ...retryAt(nextAt, error), state: drop ? "dropped" : "pending" })
      .where("id", "=", id)
      .execute();
  }
}

/** Queues `messages` in `trx`; one already queued (same subscription and entry) is kept. */
export async function enqueue(
  trx: Transaction<Database>,
  messages: OutboxMessage[],
  now: number,
): Promise<void> {
  for (const m of messages) {
    await trx
      .insertInto("feed_outbox")
      .values({
        subscription_id: m.subscriptionId,
        room_id: m.roomId,
        item_key: m.itemKey,
        plain: m.plain,
        html: m.html,
        state: "pending",
        item_date: m.itemDate,
        ...dueNow(now),
        sent_at: null,
      })
      .onConflict((oc) => oc.columns(["subscription_id", "item_key"]).doNothing())
      .execute();
  }
}
