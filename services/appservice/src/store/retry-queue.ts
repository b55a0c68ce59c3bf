/**
 * Durable retry queues: tables whose rows wait for something outside Atrium to confirm them
 * and are tried again, with backoff, until it does, across restarts — the SFU removing a
 * participant (`rtc_removals`), Etherpad ending a session (`pad_revocations`), the homeserver
 * accepting a feed message (`feed_outbox`). What such a row carries, how it starts, which rows
 * are due and how a failed attempt is written down is said here once; each table adds what it
 * is about (whose session, which participant, which message) and its backoff (util/retry.ts).
 */
import { sql, type SelectQueryBuilder } from "kysely";
import type { Columns } from "./migration-tables";

/** The columns every retry table has. */
export interface RetryColumns {
  created_at: number;
  attempts: number;
  /** When the row is due (again). */
  next_attempt_at: number;
  last_error: string | null;
}

/**
 * The schedule columns as the migrations of the retry tables declare them (0003 `feed_outbox`,
 * 0006 `pad_revocations`, 0008 `rtc_removals`), in their order; `last_error` follows whatever
 * the table keeps about the outcome. Applied migrations use this: it never changes.
 */
export const RETRY_SCHEDULE_COLUMNS = Object.freeze({
  created_at: "bigint not null",
  attempts: "integer not null default 0",
  next_attempt_at: "bigint not null",
} as const satisfies Columns);

/** Longest error text kept in `last_error`. */
export const MAX_ERROR_CHARS = 500;

/** A new row's schedule: created now, due at once, no attempt and no error yet. */
export function dueNow(now: number): RetryColumns {
  return { created_at: now, attempts: 0, next_attempt_at: now, last_error: null };
}

/** What a failed attempt writes besides its count: when to try again, and why (clipped). */
export function retryAt(
  next: number,
  error: string,
): Pick<RetryColumns, "next_attempt_at" | "last_error"> {
  return { next_attempt_at: next, last_error: error.slice(0, MAX_ERROR_CHARS) };
}

/** The rows of `query` that are due at `now`. */
export function due<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  now: number,
): SelectQueryBuilder<DB, TB, O> {
  return query.where(sql.ref("next_attempt_at"), "<=", now);
}
