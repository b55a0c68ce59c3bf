/**
 * Encrypted events whose room key has not arrived, parked durably (migration
 * `0005_crypto_parked`). A parked event's inbox row is marked processed, so its room goes on;
 * when its key arrives, the row is made pending again and the processor takes it up in the
 * room's order, through the same path as any event (same checks, same ledger, once). A key that
 * never comes expires the event: the bot then says, once per sender and session, that it could
 * not read it.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { tablesMigration } from "../../store/migration-tables";
import { countOf, exists } from "../../store/queries";
import type { Database } from "../../store/schema";

export interface ParkedTable {
  event_id: string;
  room_id: string;
  sender: string;
  session_id: string;
  parked_at: number;
  /** waiting (for its key), decrypted (done), expired (never came; told). */
  state: "waiting" | "decrypted" | "expired";
  /** When the "could not read" notice for this event's sender and session was sent. */
  notified_at: number | null;
}

export const cryptoParkedMigration: Migration = tablesMigration({
  crypto_parked: {
    columns: {
      event_id: "text primary key",
      room_id: "text not null",
      sender: "text not null",
      session_id: "text not null",
      parked_at: "bigint not null",
      state: "text not null",
      notified_at: "bigint",
    },
    indexes: {
      crypto_parked_session: ["room_id", "session_id"],
      crypto_parked_due: ["state", "parked_at"],
    },
  },
});

export type ParkedRow = ParkedTable;

/** A group told at most once: one sender's undecryptable session in one room. */
export interface ParkedGroup {
  room_id: string;
  sender: string;
  session_id: string;
}

/** The filter of a group's rows (a group passed in may carry more than its three fields). */
function groupKey({ room_id, sender, session_id }: ParkedGroup): ParkedGroup {
  return { room_id, sender, session_id };
}

export class ParkedEvents {
  private readonly db: Kysely<Database & { crypto_parked: ParkedTable }>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ crypto_parked: ParkedTable }>();
  }

  /** Parks an event; one parked before keeps its first time (the limit counts from there). */
  async park(row: Omit<ParkedTable, "parked_at" | "state" | "notified_at">): Promise<void> {
    await this.db
      .insertInto("crypto_parked")
      .values({ ...row, parked_at: Date.now(), state: "waiting", notified_at: null })
      .onConflict((oc) => oc.column("event_id").doNothing())
      .execute();
  }

  /** Whether the event waits for its key (parked and neither decrypted nor expired). */
  async isWaiting(eventId: string): Promise<boolean> {
    return (await this.stateOf(eventId)) === "waiting";
  }

  /** Whether the event expired (its key never came; the room was told). */
  async isExpired(eventId: string): Promise<boolean> {
    return (await this.stateOf(eventId)) === "expired";
  }

  /** Where a parked event stands; undefined when it was never parked. */
  private async stateOf(eventId: string): Promise<ParkedTable["state"] | undefined> {
    const row = await this.db
      .selectFrom("crypto_parked")
      .select("state")
      .where("event_id", "=", eventId)
      .executeTakeFirst();
    return row?.state;
  }

  async markDecrypted(eventId: string): Promise<void> {
    await this.db
      .updateTable("crypto_parked")
      .set({ state: "decrypted" })
      .where("event_id", "=", eventId)
      .execute();
  }

  /** Waiting events of a room's session (a key for it just arrived). */
  async waitingFor(roomId: string, sessionId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("crypto_parked")
      .select("event_id")
      .where("room_id", "=", roomId)
      .where("session_id", "=", sessionId)
      .where("state", "=", "waiting")
      .execute();
    return rows.map((r) => r.event_id);
  }

  /** Every waiting event, oldest first (the periodic retry). */
  async waiting(limit = 500): Promise<ParkedRow[]> {
    return this.db
      .selectFrom("crypto_parked")
      .selectAll()
      .where("state", "=", "waiting")
      .orderBy("parked_at")
      .limit(limit)
      .execute();
  }

  async countWaiting(): Promise<number> {
    return countOf(this.db.selectFrom("crypto_parked").where("state", "=", "waiting"));
  }

  /** Makes the event's inbox row pending again: the processor takes it up in its room's order. */
  async requeue(eventId: string): Promise<void> {
    await this.db
      .updateTable("inbox")
      .set({ processed_at: null, attempts: 0, error: null })
      .where("event_id", "=", eventId)
      .execute();
  }

  /** Whether the room was told about this group already. */
  async told(group: ParkedGroup): Promise<boolean> {
    return exists(
      this.db
        .selectFrom("crypto_parked")
        .where((eb) => eb.and(groupKey(group)))
        .where("notified_at", "is not", null),
    );
  }

  /** Expires a group's waiting events (the room was told, or had been). */
  async expire(group: ParkedGroup): Promise<void> {
    await this.db
      .updateTable("crypto_parked")
      .set({ state: "expired", notified_at: Date.now() })
      .where((eb) => eb.and(groupKey(group)))
      .where("state", "=", "waiting")
      .execute();
  }
}
