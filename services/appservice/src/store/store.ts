/**
 * Atrium's store: the widgets it placed, the command ledger, the durable inbox of events,
 * per-room settings and the Etherpad sessions it opened. SQLite (better-sqlite3) by default,
 * PostgreSQL in production, both through Kysely with the same migrations. Each table family's
 * queries live in their own module (inbox.ts, ledger.ts, widgets.ts, pad-sessions.ts); this
 * class opens the database and answers for all of them. What the tables share has one place:
 * how migrations declare tables (migration-tables.ts), the query shapes (queries.ts) and the
 * durable retry queues (retry-queue.ts).
 */
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { Migrator } from "kysely/migration";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { AtriumConfig } from "../config/schema";
import { withStatementCache } from "./statement-cache";
import { migrationProvider } from "./migrations";
import * as inbox from "./inbox";
import type { InboxEntry } from "./inbox";
import * as ledger from "./ledger";
import type { LedgerOutcome } from "./ledger";
import * as padSessions from "./pad-sessions";
import type { Database, LedgerTable, PadSessionTable, WidgetTable } from "./schema";
import * as widgets from "./widgets";
import type { WidgetRow } from "./widgets";

export type { InboxEntry } from "./inbox";
export type { LedgerOutcome } from "./ledger";
export type { WidgetRow } from "./widgets";

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
  recordEvents(txnId: string, events: Array<Record<string, unknown>>): Promise<number> {
    return inbox.recordEvents(this.db, txnId, events);
  }

  /**
   * Unprocessed events in arrival order: of one room (`room`), or of every room but the ones
   * in `exceptRooms` (rooms the processor is already working on).
   */
  pendingEvents(
    limit = 100,
    filter: { room?: string; exceptRooms?: readonly string[] } = {},
  ): Promise<InboxEntry[]> {
    return inbox.pendingEvents(this.db, limit, filter);
  }

  markProcessed(seq: number, error: string | null = null): Promise<void> {
    return inbox.markProcessed(this.db, seq, error);
  }

  markAttempt(seq: number, error: string): Promise<void> {
    return inbox.markAttempt(this.db, seq, error);
  }

  /** Drops processed inbox rows older than `olderThanMs` (the ledger keeps command outcomes). */
  pruneInbox(olderThanMs: number): Promise<void> {
    return inbox.pruneInbox(this.db, olderThanMs);
  }

  // ---- command ledger ----------------------------------------------------------------------

  /**
   * Claims a command event. Returns the existing row when the event was seen before (a retried
   * transaction or a restart), or null when this call created the claim.
   */
  claimCommand(
    eventId: string,
    roomId: string,
    sender: string,
    command: string,
  ): Promise<LedgerTable | null> {
    return ledger.claimCommand(this.db, eventId, roomId, sender, command);
  }

  settleCommand(eventId: string, outcome: LedgerOutcome, detail: string | null): Promise<void> {
    return ledger.settleCommand(this.db, eventId, outcome, detail);
  }

  ledgerEntry(eventId: string): Promise<LedgerTable | undefined> {
    return ledger.ledgerEntry(this.db, eventId);
  }

  pendingCommands(): Promise<LedgerTable[]> {
    return ledger.pendingCommands(this.db);
  }

  // ---- widgets -----------------------------------------------------------------------------

  saveWidget(row: Omit<WidgetTable, "archived_at" | "archived_by">): Promise<void> {
    return widgets.saveWidget(this.db, row);
  }

  /** Puts a row back exactly as it was (undoing a save whose state write failed). */
  restoreWidget(row: WidgetRow): Promise<void> {
    return widgets.restoreWidget(this.db, row);
  }

  deleteWidget(roomId: string, widgetId: string): Promise<void> {
    return widgets.deleteWidget(this.db, roomId, widgetId);
  }

  widgetsInRoom(roomId: string, includeArchived = false): Promise<WidgetRow[]> {
    return widgets.widgetsInRoom(this.db, roomId, includeArchived);
  }

  widget(roomId: string, widgetId: string): Promise<WidgetRow | undefined> {
    return widgets.widget(this.db, roomId, widgetId);
  }

  archiveWidget(roomId: string, widgetId: string, by: string): Promise<void> {
    return widgets.archiveWidget(this.db, roomId, widgetId, by);
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

  savePadSession(row: PadSessionTable): Promise<void> {
    return padSessions.savePadSession(this.db, row);
  }

  padSessionsOf(roomId: string, userId: string): Promise<PadSessionTable[]> {
    return padSessions.padSessionsOf(this.db, roomId, userId);
  }

  /** Users of a room Atrium opened pad sessions for. */
  padSessionUsers(roomId: string): Promise<string[]> {
    return padSessions.padSessionUsers(this.db, roomId);
  }

  /** Drops rows of sessions that expired before `before` (Etherpad ended them already). */
  prunePadSessions(before: number): Promise<number> {
    return padSessions.prunePadSessions(this.db, before);
  }

  deletePadSession(sessionId: string): Promise<void> {
    return padSessions.deletePadSession(this.db, sessionId);
  }
}
