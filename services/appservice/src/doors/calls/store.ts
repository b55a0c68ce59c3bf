/**
 * What Atrium remembers about calls (migration `0008_rtc_removals`):
 *
 * - `rtc_grants`: every LiveKit token minted, by (LiveKit room, identity), with the Matrix room
 *   and user it was minted for. Identities of the homeserver flow are hashes, so this is how a
 *   leave, a kick or a ban finds the participants to remove, and how a webhook finds whose
 *   participant joined. `connected_at`/`left_at` come from the SFU's webhooks.
 * - `rtc_removals`: the durable outbox of participant removals. A row is written when a member
 *   leaves (while the event is processed from the inbox) and retried with backoff until the SFU
 *   confirms; "participant not found" counts as done. A restart resumes what is due.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { tablesMigration } from "../../store/migration-tables";
import { member } from "../../store/queries";
import {
  dueNow,
  due,
  retryAt,
  RETRY_SCHEDULE_COLUMNS,
  type RetryColumns,
} from "../../store/retry-queue";
import type { Database } from "../../store/schema";

export interface RtcGrantTable {
  livekit_room: string;
  identity: string;
  room_id: string;
  user_id: string;
  issued_at: number;
  connected_at: number | null;
  left_at: number | null;
}

/** A participant removal, retried until the SFU confirms it (store/retry-queue.ts). */
export interface RtcRemovalTable extends RetryColumns {
  livekit_room: string;
  identity: string;
  room_id: string;
  user_id: string;
  /** Why: `leave`, `ban`, `kick`, `webhook` (joined while not allowed), `unknown` (no grant). */
  reason: string;
  done_at: number | null;
}

export const rtcRemovalsMigration: Migration = tablesMigration({
  rtc_grants: {
    columns: {
      livekit_room: "text not null",
      identity: "text not null",
      room_id: "text not null",
      user_id: "text not null",
      issued_at: "bigint not null",
      connected_at: "bigint",
      left_at: "bigint",
    },
    primaryKey: ["livekit_room", "identity"],
    indexes: { rtc_grants_member: ["room_id", "user_id"] },
  },
  rtc_removals: {
    columns: {
      livekit_room: "text not null",
      identity: "text not null",
      room_id: "text not null",
      user_id: "text not null",
      reason: "text not null",
      ...RETRY_SCHEDULE_COLUMNS,
      done_at: "bigint",
      last_error: "text",
    },
    primaryKey: ["livekit_room", "identity"],
    indexes: { rtc_removals_due: ["done_at", "next_attempt_at"] },
  },
});

type CallTables = { rtc_grants: RtcGrantTable; rtc_removals: RtcRemovalTable };

/** A participant's row (of the grants or the removals): its LiveKit room and identity. */
function participant(livekitRoom: string, identity: string) {
  return { livekit_room: livekitRoom, identity };
}

/**
 * One removal as a worker read it: a removal re-armed since (a new `created_at`) is not marked
 * by the outcome of the attempt at the old one.
 */
function attempt(livekitRoom: string, identity: string, createdAt: number) {
  return { ...participant(livekitRoom, identity), created_at: createdAt };
}
export type RtcGrant = RtcGrantTable;
export type RtcRemoval = RtcRemovalTable;

/** The calls' slice of the store. */
export class CallStore {
  private readonly db: Kysely<Database & CallTables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<CallTables>();
  }

  /** Records a minted token (a second token for the same identity refreshes the row). */
  async recordGrant(g: Pick<RtcGrant, "livekit_room" | "identity" | "room_id" | "user_id">) {
    const now = Date.now();
    await this.db
      .insertInto("rtc_grants")
      .values({ ...g, issued_at: now, connected_at: null, left_at: null })
      .onConflict((oc) =>
        oc.columns(["livekit_room", "identity"]).doUpdateSet({
          room_id: g.room_id,
          user_id: g.user_id,
          issued_at: now,
          left_at: null,
        }),
      )
      .execute();
  }

  async grant(livekitRoom: string, identity: string): Promise<RtcGrant | undefined> {
    return this.db
      .selectFrom("rtc_grants")
      .selectAll()
      .where((eb) => eb.and(participant(livekitRoom, identity)))
      .executeTakeFirst();
  }

  /** Every grant of a member in a room (each may be a connected participant). */
  async grantsOf(roomId: string, userId: string): Promise<RtcGrant[]> {
    return this.db
      .selectFrom("rtc_grants")
      .selectAll()
      .where((eb) => eb.and(member(roomId, userId)))
      .execute();
  }

  /** The SFU said a participant connected (`connected`) or left. */
  async markConnection(livekitRoom: string, identity: string, connected: boolean): Promise<void> {
    const now = Date.now();
    await this.db
      .updateTable("rtc_grants")
      .set(connected ? { connected_at: now, left_at: null } : { left_at: now })
      .where((eb) => eb.and(participant(livekitRoom, identity)))
      .execute();
  }

  /** The SFU closed a LiveKit room: nobody is connected there any more. */
  async markRoomFinished(livekitRoom: string): Promise<void> {
    await this.db
      .updateTable("rtc_grants")
      .set({ left_at: Date.now() })
      .where("livekit_room", "=", livekitRoom)
      .where("left_at", "is", null)
      .execute();
  }

  /** Participants the SFU reported connected and not left, per LiveKit room. */
  async connected(): Promise<RtcGrant[]> {
    return this.db
      .selectFrom("rtc_grants")
      .selectAll()
      .where("connected_at", "is not", null)
      .where("left_at", "is", null)
      .execute();
  }

  /** Queues (or re-arms) the removal of a participant; due at once. */
  async enqueueRemoval(
    r: Pick<RtcRemoval, "livekit_room" | "identity" | "room_id" | "user_id" | "reason">,
  ): Promise<void> {
    const row = { ...r, ...dueNow(Date.now()), done_at: null };
    await this.db
      .insertInto("rtc_removals")
      .values(row)
      .onConflict((oc) => oc.columns(["livekit_room", "identity"]).doUpdateSet(row))
      .execute();
  }

  /** Removals due now, oldest first. */
  async dueRemovals(now: number, limit: number): Promise<RtcRemoval[]> {
    return due(this.openRemovals(), now).orderBy("next_attempt_at").limit(limit).execute();
  }

  /** Removals not done yet (for inspection and tests). */
  async pendingRemovals(): Promise<RtcRemoval[]> {
    return this.openRemovals().execute();
  }

  /** A removal is open until the SFU confirms it (`done_at`). */
  private openRemovals() {
    return this.db.selectFrom("rtc_removals").selectAll().where("done_at", "is", null);
  }

  /** The SFU confirmed (or the participant was already gone): done, and the grant ends. */
  async removalDone(livekitRoom: string, identity: string, createdAt: number): Promise<void> {
    await this.db
      .updateTable("rtc_removals")
      .set({ done_at: Date.now(), last_error: null })
      .where((eb) => eb.and(attempt(livekitRoom, identity, createdAt)))
      .execute();
    await this.markConnection(livekitRoom, identity, false);
  }

  /** The SFU could not be told: try again at `next`. */
  async removalFailed(
    livekitRoom: string,
    identity: string,
    createdAt: number,
    next: number,
    error: string,
  ): Promise<void> {
    await this.db
      .updateTable("rtc_removals")
      .set((eb) => ({ attempts: eb("attempts", "+", 1), ...retryAt(next, error) }))
      .where((eb) => eb.and(attempt(livekitRoom, identity, createdAt)))
      .where("done_at", "is", null)
      .execute();
  }

  /** Drops grants issued before `before` whose participant is not connected, and old removals. */
  async prune(before: number): Promise<void> {
    await this.db
      .deleteFrom("rtc_grants")
      .where("issued_at", "<", before)
      .where((eb) => eb.or([eb("connected_at", "is", null), eb("left_at", "is not", null)]))
      .execute();
    await this.db
      .deleteFrom("rtc_removals")
      .where("done_at", "is not", null)
      .where("done_at", "<", before)
      .execute();
  }
}
