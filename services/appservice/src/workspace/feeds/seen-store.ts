/**
 * The feed's seen-marks (`feed_seen`): which entries of a feed were already met, so each is
 * posted once. Moved from store.ts (issue 24); {@link FeedStore} asks these functions.
 */
import type { Kysely, Transaction } from "kysely";
import { countOf } from "../../store/queries";
import type { Database } from "../../store/schema";
import { KEY_VERSION } from "./parse";

/** One entry to mark as seen, with the hash of its content (null for a link key). */
export interface SeenMark {
  key: string;
  contentHash: string | null;
}

const CHUNK = 400;

/** Which of `keys` were already seen for the feed `feedId`. */
export async function seenKeys(
  db: Kysely<Database>,
  feedId: number,
  keys: string[],
): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db
      .selectFrom("feed_seen")
      .select("item_key")
      .where("feed_id", "=", feedId)
      .where("item_key", "in", keys.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) seen.add(r.item_key);
  }
  return seen;
}

/** How many seen-marks the feed `feedId` has. */
export async function seenCount(db: Kysely<Database>, feedId: number): Promise<number> {
  return countOf(db.selectFrom("feed_seen").where("feed_id", "=", feedId));
}

/** Drops seen-marks older than `before` beyond the newest `keep` of each feed. */
export async function pruneSeen(db: Kysely<Database>, before: number, keep: number): Promise<void> {
  const feeds = await db.selectFrom("feeds").select("id").execute();
  for (const { id } of feeds) {
    const cutoff = await db
      .selectFrom("feed_seen")
      .select("first_seen")
      .where("feed_id", "=", id)
      .orderBy("first_seen", "desc")
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (!cutoff) continue;
    await db
      .deleteFrom("feed_seen")
      .where("feed_id", "=", id)
      .where("first_seen", "<", Math.min(before, Number(cutoff.first_seen)))
      .execute();
  }
}

/** Marks `seen` as seen for the feed `feedId` in `trx`; a mark already there is kept. */
export async function markSeen(
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
