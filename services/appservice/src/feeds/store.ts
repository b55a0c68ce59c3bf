/**
 * The feeds' slice of Atrium's store: feeds, subscriptions, seen entries and the outbox.
 * `queue` writes seen-marks and outbox rows in one transaction, which is what makes delivery
 * exactly-once together with the derived transaction id (delivery.ts).
 */
import { PostgresAdapter, type Kysely, type Selectable, type Transaction } from "kysely";
import type { Database, FeedOutboxTable, FeedSubscriptionTable, FeedTable } from "../store/schema";
import { KEY_VERSION } from "./parse";

export type FeedRow = Selectable<FeedTable>;
export type SubscriptionRow = Selectable<FeedSubscriptionTable>;
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

export interface SeenMark {
  key: string;
  contentHash: string | null;
}

const CHUNK = 400;

export class FeedStore {
  /** Row locks (`FOR UPDATE`) exist on PostgreSQL; SQLite serialises writers anyway. */
  private readonly lockRows: boolean;

  constructor(readonly db: Kysely<Database>) {
    this.lockRows = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  async feedByUrl(url: string): Promise<FeedRow | undefined> {
    return this.db.selectFrom("feeds").selectAll().where("url", "=", url).executeTakeFirst();
  }

  async feed(id: number): Promise<FeedRow | undefined> {
    return this.db.selectFrom("feeds").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Feeds due now that at least one running subscription reads. */
  async dueFeeds(now: number, limit: number): Promise<FeedRow[]> {
    return this.db
      .selectFrom("feeds")
      .selectAll()
      .where("state", "=", "active")
      .where("next_fetch_at", "<=", now)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("feed_subscriptions")
            .select("feed_subscriptions.id")
            .whereRef("feed_subscriptions.feed_id", "=", "feeds.id")
            .where("feed_subscriptions.paused", "=", 0),
        ),
      )
      .orderBy("next_fetch_at")
      .limit(limit)
      .execute();
  }

  /** When the next feed is due (ms), or null when none is. */
  async nextDue(): Promise<number | null> {
    const row = await this.db
      .selectFrom("feeds")
      .select((eb) => eb.fn.min("next_fetch_at").as("next"))
      .where("state", "=", "active")
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
  }

  async updateFeed(id: number, patch: Partial<Omit<FeedRow, "id">>): Promise<void> {
    await this.db.updateTable("feeds").set(patch).where("id", "=", id).execute();
  }

  /** Moves a feed to a new URL unless another feed row already has it; true when moved. */
  async moveFeed(id: number, url: string): Promise<boolean> {
    if (await this.feedByUrl(url)) return false;
    await this.updateFeed(id, {
      url,
      moved_to: null,
      moved_count: 0,
      etag: null,
      last_modified: null,
    });
    return true;
  }

  async subscriptionsInRoom(
    roomId: string,
  ): Promise<
    Array<
      SubscriptionRow & { url: string; state: string; last_error: string | null; failures: number }
    >
  > {
    return this.db
      .selectFrom("feed_subscriptions")
      .innerJoin("feeds", "feeds.id", "feed_subscriptions.feed_id")
      .selectAll("feed_subscriptions")
      .select(["feeds.url", "feeds.state", "feeds.last_error", "feeds.failures"])
      .where("feed_subscriptions.room_id", "=", roomId)
      .orderBy("feed_subscriptions.id")
      .execute();
  }

  async subscriptionsOf(feedId: number, includePaused = false): Promise<SubscriptionRow[]> {
    let q = this.db.selectFrom("feed_subscriptions").selectAll().where("feed_id", "=", feedId);
    if (!includePaused) q = q.where("paused", "=", 0);
    return q.orderBy("id").execute();
  }

  async setPaused(subscriptionId: number, paused: boolean): Promise<void> {
    await this.db
      .updateTable("feed_subscriptions")
      .set({ paused: paused ? 1 : 0 })
      .where("id", "=", subscriptionId)
      .execute();
  }

  async setTemplate(subscriptionId: number, template: string | null): Promise<void> {
    await this.db
      .updateTable("feed_subscriptions")
      .set({ template })
      .where("id", "=", subscriptionId)
      .execute();
  }

  /** Removes a subscription, its unsent messages, and the feed when nobody else reads it. */
  async removeSubscription(sub: SubscriptionRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // The subscription first: its row lock orders this against a poll's queue() (PostgreSQL).
      await trx.deleteFrom("feed_subscriptions").where("id", "=", sub.id).execute();
      await trx.deleteFrom("feed_outbox").where("subscription_id", "=", sub.id).execute();
      const others = await trx
        .selectFrom("feed_subscriptions")
        .select("id")
        .where("feed_id", "=", sub.feed_id)
        .executeTakeFirst();
      if (!others) {
        await trx.deleteFrom("feed_seen").where("feed_id", "=", sub.feed_id).execute();
        await trx.deleteFrom("feeds").where("id", "=", sub.feed_id).execute();
      }
    });
  }

  /**
   * Subscribes a room: creates the feed row (baselined with `baseline` as seen) when it is new,
   * the subscription, and the backfill messages, in one transaction.
   */
  async subscribe(opts: {
    url: string;
    title: string;
    roomId: string;
    label: string;
    addedBy: string;
    now: number;
    nextFetchAt: number;
    validators: { etag: string | null; lastModified: string | null; bodyHash: string | null };
    intervalHint: number | null;
    newestItemAt: number | null;
    baseline: SeenMark[];
    backfill: Array<Omit<OutboxMessage, "subscriptionId" | "roomId">>;
  }): Promise<SubscriptionRow> {
    return this.db.transaction().execute(async (trx) => {
      let feed = await trx
        .selectFrom("feeds")
        .selectAll()
        .where("url", "=", opts.url)
        .executeTakeFirst();
      if (!feed) {
        feed = await trx
          .insertInto("feeds")
          .values({
            url: opts.url,
            title: opts.title,
            etag: opts.validators.etag,
            last_modified: opts.validators.lastModified,
            body_hash: opts.validators.bodyHash,
            next_fetch_at: opts.nextFetchAt,
            interval_hint_s: opts.intervalHint,
            failures: 0,
            failing_since: null,
            failure_notified: 0,
            last_error: null,
            last_status: 200,
            state: "active",
            moved_to: null,
            moved_count: 0,
            initialized: 1,
            newest_item_at: opts.newestItemAt,
            created_at: opts.now,
            last_success_at: opts.now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await markSeen(trx, feed.id, opts.baseline, opts.now);
      }
      const sub = await trx
        .insertInto("feed_subscriptions")
        .values({
          feed_id: feed.id,
          room_id: opts.roomId,
          label: opts.label,
          template: null,
          paused: 0,
          added_by: opts.addedBy,
          created_at: opts.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await enqueue(
        trx,
        opts.backfill.map((m) => ({ ...m, subscriptionId: sub.id, roomId: opts.roomId })),
        opts.now,
      );
      return sub;
    });
  }

  /** Which of `keys` were already seen for this feed. */
  async seenKeys(feedId: number, keys: string[]): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom("feed_seen")
        .select("item_key")
        .where("feed_id", "=", feedId)
        .where("item_key", "in", keys.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) seen.add(r.item_key);
    }
    return seen;
  }

  async seenCount(feedId: number): Promise<number> {
    const row = await this.db
      .selectFrom("feed_seen")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("feed_id", "=", feedId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Seen-marks, outbox rows and the feed's new state, together or not at all. The running
   * subscriptions are read again inside the transaction (locked on PostgreSQL), so a feed paused
   * or removed while its fetch was in flight gets none of that fetch's messages; a feed removed
   * altogether gets nothing written.
   */
  async queue(
    feedId: number,
    seen: SeenMark[],
    messages: OutboxMessage[],
    feedPatch: Partial<Omit<FeedRow, "id">>,
    now: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const running = await trx
        .selectFrom("feed_subscriptions")
        .select("id")
        .where("feed_id", "=", feedId)
        .where("paused", "=", 0)
        .$if(this.lockRows, (q) => q.forUpdate())
        .execute();
      const live = new Set(running.map((r) => r.id));
      const exists = await trx
        .selectFrom("feeds")
        .select("id")
        .where("id", "=", feedId)
        .executeTakeFirst();
      if (!exists) return;
      await markSeen(trx, feedId, seen, now);
      await enqueue(
        trx,
        messages.filter((m) => live.has(m.subscriptionId)),
        now,
      );
      if (Object.keys(feedPatch).length > 0) {
        await trx.updateTable("feeds").set(feedPatch).where("id", "=", feedId).execute();
      }
    });
  }

  // ---- outbox ------------------------------------------------------------------------------

  async pendingMessages(now: number, limit: number): Promise<OutboxRow[]> {
    return this.db
      .selectFrom("feed_outbox")
      .selectAll()
      .where("state", "=", "pending")
      .where("next_attempt_at", "<=", now)
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom("feed_outbox")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("state", "=", "pending")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async nextAttempt(): Promise<number | null> {
    const row = await this.db
      .selectFrom("feed_outbox")
      .select((eb) => eb.fn.min("next_attempt_at").as("next"))
      .where("state", "=", "pending")
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
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
      .set({
        attempts,
        next_attempt_at: nextAt,
        last_error: error.slice(0, 500),
        state: drop ? "dropped" : "pending",
      })
      .where("id", "=", id)
      .execute();
  }

  /** Drops seen-marks older than `before` beyond the newest `keep` of each feed. */
  async pruneSeen(before: number, keep: number): Promise<void> {
    const feeds = await this.db.selectFrom("feeds").select("id").execute();
    for (const { id } of feeds) {
      const cutoff = await this.db
        .selectFrom("feed_seen")
        .select("first_seen")
        .where("feed_id", "=", id)
        .orderBy("first_seen", "desc")
        .offset(keep)
        .limit(1)
        .executeTakeFirst();
      if (!cutoff) continue;
      await this.db
        .deleteFrom("feed_seen")
        .where("feed_id", "=", id)
        .where("first_seen", "<", Math.min(before, Number(cutoff.first_seen)))
        .execute();
    }
    await this.db
      .deleteFrom("feed_outbox")
      .where("state", "!=", "pending")
      .where("created_at", "<", before)
      .execute();
  }
}

async function markSeen(
  trx: Transaction<Database>,
  feedId: number,
  seen: SeenMark[],
  now: number,
): Promise<void> {
  for (let i = 0; i < seen.length; i += CHUNK) {
    const rows = seen.slice(i, i + CHUNK).map((s) => ({
      feed_id: feedId,
      item_key: s.key,
      key_version: KEY_VERSION,
      first_seen: now,
      content_hash: s.contentHash,
    }));
    await trx
      .insertInto("feed_seen")
      .values(rows)
      .onConflict((oc) => oc.columns(["feed_id", "item_key"]).doNothing())
      .execute();
  }
}

async function enqueue(
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
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        sent_at: null,
        last_error: null,
      })
      .onConflict((oc) => oc.columns(["subscription_id", "item_key"]).doNothing())
      .execute();
  }
}
