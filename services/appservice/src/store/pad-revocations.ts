/**
 * Durable pad-session revocations (migration `0006_pending_revocations`, issue 22 item 4).
 *
 * When a member leaves, is banned or falls below the pad edit level, each Etherpad session
 * Atrium opened for them in that room is moved, in one transaction, from `pad_sessions` to
 * `pad_revocations`. A row stays until Etherpad confirms the session is gone (`deleteSession`
 * succeeded, or Etherpad says the session does not exist), retried with backoff for as long as
 * it takes, across restarts. While a row of a (room, user) is pending, Atrium opens none of that
 * room's pads for the user (`pending`), so an Etherpad outage never leaves a session valid
 * beside a fresh one nobody can revoke.
 */
import { Passes } from "../util/passes";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Migration } from "kysely/migration";
import { metricsOn } from "../util/metrics";
import { backoffMs } from "../util/retry";
import { tablesMigration } from "./migration-tables";
import { countOf, exists, member } from "./queries";
import { due, dueNow, retryAt, RETRY_SCHEDULE_COLUMNS, type RetryColumns } from "./retry-queue";
import type { Database } from "./schema";

/** A pad session to end, retried until Etherpad confirms it (retry-queue.ts). */
export interface PadRevocationTable extends RetryColumns {
  session_id: string;
  room_id: string;
  user_id: string;
  /** Why: `leave`, `ban` or `demoted`. */
  reason: string;
}

export const padRevocationsMigration: Migration = tablesMigration({
  pad_revocations: {
    columns: {
      session_id: "text primary key",
      room_id: "text not null",
      user_id: "text not null",
      reason: "text not null",
      ...RETRY_SCHEDULE_COLUMNS,
      last_error: "text",
    },
    indexes: {
      pad_revocations_member: ["room_id", "user_id"],
      pad_revocations_due: "next_attempt_at",
    },
  },
});

type RevocationTables = { pad_revocations: PadRevocationTable };

/** Longest wait between two attempts at one revocation, ms. */
export const MAX_REVOCATION_BACKOFF_MS = 15_000;

/** Wait before attempt `attempts + 1` of a revocation: 1 s, 2 s, 4 s, … up to 15 s. */
export function revocationBackoffMs(attempts: number): number {
  return backoffMs(attempts, 1000, MAX_REVOCATION_BACKOFF_MS);
}

/** What a revocation needs from Etherpad. */
export interface SessionDeleter {
  /** Resolves once the session is gone (a session Etherpad does not know counts as gone). */
  deleteSession(sessionId: string): Promise<void>;
}

export class PadRevocations {
  private readonly db: Kysely<Database & RevocationTables>;

  constructor(
    db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.db = db.withTables<RevocationTables>();
  }

  /**
   * Moves every session of `userId` in `roomId` to the revocations, atomically; returns how
   * many. A second call for the same member finds nothing more to move.
   */
  async schedule(roomId: string, userId: string, reason: string): Promise<number> {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const sessions = await tx
        .selectFrom("pad_sessions")
        .select("session_id")
        .where((eb) => eb.and(member(roomId, userId)))
        .execute();
      if (sessions.length === 0) return 0;
      await tx
        .insertInto("pad_revocations")
        .values(
          sessions.map((s) => ({
            session_id: s.session_id,
            room_id: roomId,
            user_id: userId,
            reason,
            ...dueNow(now),
          })),
        )
        .onConflict((oc) => oc.column("session_id").doNothing())
        .execute();
      await tx
        .deleteFrom("pad_sessions")
        .where((eb) => eb.and(member(roomId, userId)))
        .execute();
      return sessions.length;
    });
  }

  /** True while a session of `userId` in `roomId` waits for Etherpad to confirm its end. */
  async pending(roomId: string, userId: string): Promise<boolean> {
    return exists(
      this.db.selectFrom("pad_revocations").where((eb) => eb.and(member(roomId, userId))),
    );
  }

  /**
   * Tries the revocations that are due (all of one member's with `only`, whatever their
   * schedule): a confirmed one is deleted, a failed one is rescheduled with backoff. Returns
   * how many were confirmed and how many are still pending among those tried.
   */
  async run(
    etherpad: SessionDeleter,
    only?: { roomId: string; userId: string },
    limit = 100,
  ): Promise<{ done: number; failed: number }> {
    const all = this.db.selectFrom("pad_revocations").selectAll();
    const query = only
      ? all.where((eb) => eb.and(member(only.roomId, only.userId)))
      : due(all, this.now());
    const rows = await query.orderBy("next_attempt_at").limit(limit).execute();
    let done = 0;
    let failed = 0;
    for (const row of rows) {
      try {
        await etherpad.deleteSession(row.session_id);
        await this.db
          .deleteFrom("pad_revocations")
          .where("session_id", "=", row.session_id)
          .execute();
        done++;
      } catch (error: unknown) {
        failed++;
        const attempts = Number(row.attempts) + 1;
        await this.db
          .updateTable("pad_revocations")
          .set({
            attempts,
            ...retryAt(
              this.now() + revocationBackoffMs(attempts),
              String((error as Error)?.message ?? error),
            ),
          })
          .where("session_id", "=", row.session_id)
          .execute();
      }
    }
    return { done, failed };
  }

  /** Revocations waiting for Etherpad (for metrics and the operator). */
  async count(): Promise<number> {
    return countOf(this.db.selectFrom("pad_revocations"));
  }
}

/** How often due revocations are looked for, ms. */
export const REVOCATION_POLL_MS = 1000;

/**
 * Retries due revocations every {@link REVOCATION_POLL_MS} (one run at a time) until stopped;
 * runs once at once, so a restart resumes what a previous run left.
 */
export function startRevocationRetries(
  revocations: Pick<PadRevocations, "run">,
  etherpad: SessionDeleter,
  log: Pick<Logger, "warn" | "info">,
): { stop(): void } {
  const passes = new Passes(
    async () => {
      const { done, failed } = await revocations.run(etherpad);
      if (done > 0) log.info({ count: done }, "Etherpad confirmed pending pad-session revocations");
      if (failed > 0) log.warn({ count: failed }, "pad-session revocations still pending");
    },
    REVOCATION_POLL_MS,
    (error) => log.warn({ err: error }, "could not read pending pad-session revocations"),
  );
  passes.start();
  return { stop: () => void passes.stop() };
}

/** `atrium_pad_revocations_pending`: revocations Etherpad has not confirmed, read at each scrape. */
export function registerRevocationGauge(
  registry: Registry,
  revocations: Pick<PadRevocations, "count">,
): void {
  metricsOn(registry).gauge(
    "atrium_pad_revocations_pending",
    "Pad-session revocations waiting for Etherpad to confirm them (0 when Etherpad is reachable)",
    () => revocations.count(),
  );
}
