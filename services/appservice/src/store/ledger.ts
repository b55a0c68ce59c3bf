/**
 * The command ledger (`ledger`): one row per command event, so a retried transaction or a
 * restart never runs a command twice. Moved from store.ts (issue 24).
 */
import type { Kysely } from "kysely";
import type { Database, LedgerTable } from "./schema";

/** How a command ended. */
export type LedgerOutcome = LedgerTable["outcome"];

/**
 * Claims a command event. Returns the existing row when the event was seen before (a retried
 * transaction or a restart), or null when this call created the claim.
 */
export async function claimCommand(
  db: Kysely<Database>,
  eventId: string,
  roomId: string,
  sender: string,
  command: string,
): Promise<LedgerTable | null> {
  const existing = await db
    .selectFrom("ledger")
    .selectAll()
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  if (existing) return existing;
  const now = Date.now();
  await db
    .insertInto("ledger")
    .values({
      event_id: eventId,
      room_id: roomId,
      sender,
      command,
      outcome: "pending",
      detail: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .execute();
  return null;
}

/** Records how the claimed command `eventId` ended. */
export async function settleCommand(
  db: Kysely<Database>,
  eventId: string,
  outcome: LedgerOutcome,
  detail: string | null,
): Promise<void> {
  await db
    .updateTable("ledger")
    .set({ outcome, detail, updated_at: Date.now() })
    .where("event_id", "=", eventId)
    .execute();
}

/** The ledger row of `eventId`, if it was claimed. */
export async function ledgerEntry(
  db: Kysely<Database>,
  eventId: string,
): Promise<LedgerTable | undefined> {
  return db.selectFrom("ledger").selectAll().where("event_id", "=", eventId).executeTakeFirst();
}

/** Commands claimed but never settled (a crash in between). */
export async function pendingCommands(db: Kysely<Database>): Promise<LedgerTable[]> {
  return db.selectFrom("ledger").selectAll().where("outcome", "=", "pending").execute();
}
