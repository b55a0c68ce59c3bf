/**
 * Query shapes the store's tables share: how many rows match, whether any does, the earliest
 * time a column holds, and a room member's rows. Each takes the caller's query (table and
 * filters, type-checked by Kysely) and adds only what it asks, so `countOf` and `earliestOf`
 * run the SQL the hand-written form ran (`count(*) as "n"`, `min("col") as "next"`), on
 * SQLite and PostgreSQL alike.
 */
import { sql, type SelectQueryBuilder } from "kysely";

/** How many rows `query` matches. */
export async function countOf<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
): Promise<number> {
  const row = await query
    .select(sql<number>`count(*)`.as("n"))
    .$castTo<{ n: number | string }>()
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether `query` matches any row (it reads at most one). */
export async function exists<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
): Promise<boolean> {
  return (
    (await query
      .select(sql<number>`1`.as("one"))
      .limit(1)
      .executeTakeFirst()) !== undefined
  );
}

/** The smallest `column` among the rows `query` matches (a time, ms), or null when none does. */
export async function earliestOf<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, object>,
  column: keyof DB[TB] & string,
): Promise<number | null> {
  const row = await query
    .select(sql<number | null>`min(${sql.ref(column)})`.as("next"))
    .$castTo<{ next: number | string | null }>()
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? null : Number(row.next);
}

/**
 * A room member's rows, for `where((eb) => eb.and(member(room, user)))` on the tables that
 * keep something per member (`room_id`, `user_id`): pad sessions and their revocations, call
 * grants.
 */
export function member(roomId: string, userId: string): { room_id: string; user_id: string } {
  return { room_id: roomId, user_id: userId };
}
