/**
 * The Etherpad sessions Atrium opened (`pad_sessions`), so they can be ended again.
 * Moved from store.ts (issue 24).
 */
import type { Kysely } from "kysely";
import { member } from "./queries";
import type { Database, PadSessionTable } from "./schema";

/** Records an Etherpad session Atrium opened. */
export async function savePadSession(db: Kysely<Database>, row: PadSessionTable): Promise<void> {
  await db.insertInto("pad_sessions").values(row).execute();
}

/** The pad sessions Atrium opened for `userId` in `roomId`. */
export async function padSessionsOf(
  db: Kysely<Database>,
  roomId: string,
  userId: string,
): Promise<PadSessionTable[]> {
  return db
    .selectFrom("pad_sessions")
    .selectAll()
    .where((eb) => eb.and(member(roomId, userId)))
    .execute();
}

/** Users of a room Atrium opened pad sessions for. */
export async function padSessionUsers(db: Kysely<Database>, roomId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("pad_sessions")
    .select("user_id")
    .distinct()
    .where("room_id", "=", roomId)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Drops rows of sessions that expired before `before` (Etherpad ended them already). */
export async function prunePadSessions(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db
    .deleteFrom("pad_sessions")
    .where("valid_until", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

/** Forgets the pad session `sessionId`. */
export async function deletePadSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom("pad_sessions").where("session_id", "=", sessionId).execute();
}
