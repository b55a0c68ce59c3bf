/**
 * Atrium's store: the widgets it placed, the command ledger, the durable inbox of events,
 * per-room settings and the Etherpad sessions it opened. SQLite (better-sqlite3) by default,
 * PostgreSQL in production, both through Kysely with the same migrations.
 */
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { Migrator } from "kysely/migration";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { AtriumConfig } from "../config/schema";
import { withStatementCache } from "./statement-cache";
import { migrationProvider } from "./migrations";
import type { Database, LedgerTable, PadSessionTable, WidgetTable } from "./schema";

export type WidgetRow = WidgetTable;
export type LedgerOutcome = LedgerTable["outcome"];

export interface InboxEntry {
  seq: number;
  eventId: string;
  roomId: string;
  event: Record<string, unknown>;
  attempts: number;
}

export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly engine: "sqlite" | "postgres",
  ) {}

  /** Opens the database and applies pending migrations. */
  static async open(config: AtriumConfig["database"]): Promise<Store> {
    let db: Kysely<Database>;
    if (config.engine === "sqlite") {
      const file = new SQLite(config.filename);
      file.pragma("journal_mode = WAL");
      file.pragma("synchronous = NORMAL");
      db = new Kysely<Database>({
        dialect: new SqliteDialect({ database: withStatementCache(file) }),
      });
    } else {
      const pool = new pg.Pool({
        connectionString: config.connectionString,
        max: 5,
        types: {
          getTypeParser: (oid: number, format?: "text" | "binary") =>
            oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
        } as pg.CustomTypesConfig,
      });
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    }
    const store = new Store(db, config.engine);
    // Unordered: a database that ran a later migration first (0004 before 0003, when branches
    // land in another order than they were numbered) gets the missing one applied, not refused.
    const migrator = new Migrator({
      db,
      provider: migrationProvider(config.engine),
      allowUnorderedMigrations: true,
    });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      throw new Error(`Store migration failed: ${(error as Error).message ?? String(error)}`);
    }
    return store;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** True when the database answers. */
  async ping(): Promise<boolean> {
    await sql`select 1`.execute(this.db);
    return true;
  }

  // ---- inbox -------------------------------------------------------------------------------

  /** Records a transaction's events; an event already recorded is left as it is. */
  async recordEvents(txnId: string, events: Array<Record<string, unknown>>): Promise<number> {
    let added = 0;
    const now = Date.now();
    for (const event of events) {
      const eventId = typeof event.event_id === "string" ? event.event_id : null;
      const roomId = typeof event.room_id === "string" ? event.room_id : "";
      if (!eventId) continue;
      const result = await this.db
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
  async pendingEvents(
    limit = 100,
    filter: { room?: string; exceptRooms?: readonly string[] } = {},
  ): Promise<InboxEntry[]> {
    let query = this.db
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

  async markProcessed(seq: number, error: string | null = null): Promise<void> {
    await this.db
      .updateTable("inbox")
      .set({ processed_at: Date.now(), error })
      .where("seq", "=", seq)
      .execute();
  }

  async markAttempt(seq: number, error: string): Promise<void> {
    await this.db
      .updateTable("inbox")
      .set((eb) => ({ attempts: eb("attempts", "+", 1), error }))
      .where("seq", "=", seq)
      .execute();
  }

  /** Drops processed inbox rows older than `olderThanMs` (the ledger keeps command outcomes). */
  async pruneInbox(olderThanMs: number): Promise<void> {
    await this.db
      .deleteFrom("inbox")
      .where("processed_at", "is not", null)
      .where("processed_at", "<", Date.now() - olderThanMs)
      .execute();
  }

  // ---- command ledger ----------------------------------------------------------------------

  /**
   * Claims a command event. Returns the existing row when the event was seen before (a retried
   * transaction or a restart), or null when this call created the claim.
   */
  async claimCommand(
    eventId: string,
    roomId: string,
    sender: string,
    command: string,
  ): Promise<LedgerTable | null> {
    const existing = await this.db
      .selectFrom("ledger")
      .selectAll()
      .where("event_id", "=", eventId)
      .executeTakeFirst();
    if (existing) return existing;
    const now = Date.now();
    await this.db
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

  async settleCommand(
    eventId: string,
    outcome: LedgerOutcome,
    detail: string | null,
  ): Promise<void> {
    await this.db
      .updateTable("ledger")
      .set({ outcome, detail, updated_at: Date.now() })
      .where("event_id", "=", eventId)
      .execute();
  }

  async ledgerEntry(eventId: string): Promise<LedgerTable | undefined> {
    return this.db
      .selectFrom("ledger")
      .selectAll()
      .where("event_id", "=", eventId)
      .executeTakeFirst();
  }

  async pendingCommands(): Promise<LedgerTable[]> {
    return this.db.selectFrom("ledger").selectAll().where("outcome", "=", "pending").execute();
  }

  // ---- widgets -----------------------------------------------------------------------------

  async saveWidget(row: Omit<WidgetTable, "archived_at" | "archived_by">): Promise<void> {
    await this.db
      .insertInto("widgets")
      .values({ ...row, archived_at: null, archived_by: null })
      .onConflict((oc) =>
        oc.columns(["room_id", "widget_id"]).doUpdateSet({
          name: row.name,
          url: row.url,
          pad_id: row.pad_id,
          conference_id: row.conference_id,
          archived_at: null,
          archived_by: null,
        }),
      )
      .execute();
  }

  /** Puts a row back exactly as it was (undoing a save whose state write failed). */
  async restoreWidget(row: WidgetRow): Promise<void> {
    await this.db
      .insertInto("widgets")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["room_id", "widget_id"]).doUpdateSet({
          kind: row.kind,
          name: row.name,
          url: row.url,
          pad_id: row.pad_id,
          conference_id: row.conference_id,
          creator: row.creator,
          created_at: row.created_at,
          archived_at: row.archived_at,
          archived_by: row.archived_by,
        }),
      )
      .execute();
  }

  async deleteWidget(roomId: string, widgetId: string): Promise<void> {
    await this.db
      .deleteFrom("widgets")
      .where("room_id", "=", roomId)
      .where("widget_id", "=", widgetId)
      .execute();
  }

  async widgetsInRoom(roomId: string, includeArchived = false): Promise<WidgetRow[]> {
    let q = this.db.selectFrom("widgets").selectAll().where("room_id", "=", roomId);
    if (!includeArchived) q = q.where("archived_at", "is", null);
    return q.orderBy("created_at").execute();
  }

  async widget(roomId: string, widgetId: string): Promise<WidgetRow | undefined> {
    return this.db
      .selectFrom("widgets")
      .selectAll()
      .where("room_id", "=", roomId)
      .where("widget_id", "=", widgetId)
      .executeTakeFirst();
  }

  async archiveWidget(roomId: string, widgetId: string, by: string): Promise<void> {
    await this.db
      .updateTable("widgets")
      .set({ archived_at: Date.now(), archived_by: by })
      .where("room_id", "=", roomId)
      .where("widget_id", "=", widgetId)
      .where("archived_at", "is", null)
      .execute();
  }

  // ---- room settings -----------------------------------------------------------------------

  async autoConference(roomId: string): Promise<boolean | null> {
    const row = await this.db
      .selectFrom("room_settings")
      .select("auto_conference")
      .where("room_id", "=", roomId)
      .executeTakeFirst();
    if (!row || row.auto_conference === null) return null;
    return row.auto_conference === 1;
  }

  async setAutoConference(roomId: string, value: boolean | null): Promise<void> {
    const v = value === null ? null : value ? 1 : 0;
    await this.db
      .insertInto("room_settings")
      .values({ room_id: roomId, auto_conference: v, updated_at: Date.now() })
      .onConflict((oc) =>
        oc.column("room_id").doUpdateSet({ auto_conference: v, updated_at: Date.now() }),
      )
      .execute();
  }

  // ---- pad sessions ------------------------------------------------------------------------

  async savePadSession(row: PadSessionTable): Promise<void> {
    await this.db.insertInto("pad_sessions").values(row).execute();
  }

  async padSessionsOf(roomId: string, userId: string): Promise<PadSessionTable[]> {
    return this.db
      .selectFrom("pad_sessions")
      .selectAll()
      .where("room_id", "=", roomId)
      .where("user_id", "=", userId)
      .execute();
  }

  /** Users of a room Atrium opened pad sessions for. */
  async padSessionUsers(roomId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("pad_sessions")
      .select("user_id")
      .distinct()
      .where("room_id", "=", roomId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Drops rows of sessions that expired before `before` (Etherpad ended them already). */
  async prunePadSessions(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom("pad_sessions")
      .where("valid_until", "<", before)
      .executeTakeFirst();
    return Number(result.numDeletedRows ?? 0);
  }

  async deletePadSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("pad_sessions").where("session_id", "=", sessionId).execute();
  }
}
