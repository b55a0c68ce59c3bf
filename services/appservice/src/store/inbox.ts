/**
 * The durable inbox (`inbox`): every event the homeserver pushed, recorded before it is
 * answered, then worked through in arrival order. Moved from store.ts (issue 24).
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema";

/** An unprocessed event of the inbox. */
export interface InboxEntry {
  seq: number;
  eventId: string;
  roomId: string;
  event: Record<string, unknown>;
  attempts: number;
}

/** Records a transaction's events; an event already recorded is left as it is. */
export async function recordEvents(
  db: Kysely<Database>,
  txnId: string,
  events: Array<Record<string, unknown>>,
): Promise<number> {
  let added = 0;
  const now = Date.now();
  for (const event of events) {
    const eventId = typeof event.event_id === "string" ? event.event_id : null;
    const roomId = typeof event.room_id === "string" ? event.room_id : "";
    if (!eventId) continue;
    const result = await db
      .insertInto("inbox")
      .values({
        event_id: eventId,
        txn_id: txnId,
        room_id: roomId,
        event_json: JSON.stringify(event),
        received_at: now,
        processed_at: null,
        attempts: 0,
        error: null,
      })
      .onConflict((oc) => oc.column("event_id").doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/**
 * Unprocessed events in arrival order: of one room (`room`), or of every room but the ones
 * in `exceptRooms` (rooms the processor is already working on).
 */
export async function pendingEvents(
  db: Kysely<Database>,
  limit = 100,
  filter: { room?: string; exceptRooms?: readonly string[] } = {},
): Promise<InboxEntry[]> {
  let query = db
    .selectFrom("inbox")
    .select(["seq", "event_id", "room_id", "event_json", "attempts"])
    .where("processed_at", "is", null);
  if (filter.room !== undefined) query = query.where("room_id", "=", filter.room);
  if (filter.exceptRooms?.length) query = query.where("room_id", "not in", filter.exceptRooms);
  const rows = await query.orderBy("seq").limit(limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    eventId: r.event_id,
    roomId: r.room_id,
    event: JSON.parse(r.event_json) as Record<string, unknown>,
    attempts: r.attempts,
  }));
}

/** Marks the event `seq` as processed, with the error it ended in, if any. */
export async function markProcessed(
  db: Kysely<Database>,
  seq: number,
  error: string | null = null,
): Promise<void> {
  await db
    .updateTable("inbox")
    .set({ processed_at: Date.now(), error })
    .where("seq", "=", seq)
    .execute();
}

/** Counts one more failed attempt at the event `seq`. */
export async function markAttempt(db: Kysely<Database>, seq: number, error: string): Promise<void> {
  await db
    .updateTable("inbox")
    .set((eb) => ({ attempts: eb("attempts", "+", 1), error }))
    .where("seq", "=", seq)
    .execute();
}

/** Drops processed inbox rows older than `olderThanMs` (the ledger keeps command outcomes). */
export async function pruneInbox(db: Kysely<Database>, olderThanMs: number): Promise<void> {
  await db
    .deleteFrom("inbox")
    .where("processed_at", "is not", null)
    .where("processed_at", "<", Date.now() - olderThanMs)
    .execute();
}
