/**
 * The feeds' slice of Atrium's store: feeds, subscriptions, seen entries and the outbox.
 * `queue` writes seen-marks and outbox rows in one transaction, which is what makes delivery
 * exactly-once together with the derived transaction id (delivery.ts).
 */
import { PostgresAdapter, type Kysely, type Selectable } from "kysely";
import { earliestOf } from "../../store/queries";
import type { Database, FeedSubscriptionTable, FeedTable } from "../../store/schema";
import { enqueue, FeedOutboxStore, type OutboxMessage } from "./outbox-store";
import { markSeen, pruneSeen, seenCount, seenKeys, type SeenMark } from "./seen-store";

export type { OutboxMessage, OutboxRow } from "./outbox-store";
export type { SeenMark } from "./seen-store";

export type FeedRow = Selectable<FeedTable>;
export type SubscriptionRow = Selectable<FeedSubscriptionTable>;

/** Feeds and subscriptions; the outbox (outbox-store.ts) and seen-marks (seen-store.ts) apart. */
export class FeedStore extends FeedOutboxStore {
  /** Row locks (`FOR UPDATE`) exist on PostgreSQL; SQLite serialises writers anyway. */
  private readonly lockRows: boolean;

  constructor(db: Kysely<Database>) {
    super(db);
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
    return earliestOf(this.db.selectFrom("feeds").where("state", "=", "active"), "next_fetch_at");
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
    return seenKeys(this.db, feedId, keys);
  }

  async seenCount(feedId: number): Promise<number> {
    return seenCount(this.db, feedId);
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

  /** Drops seen-marks older than `before` beyond the newest `keep` of each feed. */
  async pruneSeen(before: number, keep: number): Promise<void> {
    await pruneSeen(this.db, before, keep);
    await this.db
      .deleteFrom("feed_outbox")
      .where("state", "!=", "pending")
      .where("created_at", "<", before)
      .execute();
  }
}
