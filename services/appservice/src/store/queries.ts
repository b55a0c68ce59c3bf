/**
 * Query shapes the store's tables share: how many rows match, and the earliest time a column
 * holds. Each takes the caller's query (table and filters, type-checked by Kysely) and adds
 * only the aggregate, so the SQL is what the hand-written form ran (`count(*) as "n"`,
 * `min("col") as "next"`) on SQLite and PostgreSQL alike.
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
