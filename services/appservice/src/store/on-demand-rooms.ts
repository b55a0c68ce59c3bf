/**
 * Rooms created on demand (joining `#pad_<name>` / `#meet_<name>`): which room an alias made,
 * who claimed it (the local user whose join furnished it) and whether its widget is in place.
 * Its own table and module (migration 0004), reached through `Kysely.withTables`.
 */
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { tablesMigration } from "./migration-tables";
import { countOf } from "./queries";
import type { Database } from "./schema";

export interface OnDemandRoomTable {
  room_id: string;
  alias: string;
  kind: "pad" | "meet";
  name: string;
  created_at: number;
  /** The local user whose join furnished the room; null until then. */
  claimed_by: string | null;
  claimed_at: number | null;
  /** Set once the widget is in the room and pinned. */
  furnished_at: number | null;
  /** Set when nobody claimed it in time and the bot freed the alias and left (0007). */
  removed_at: number | null;
}

export const roomsOnDemandMigration: Migration = tablesMigration({
  on_demand_rooms: {
    columns: {
      room_id: "text primary key",
      alias: "text not null",
      kind: "text not null",
      name: "text not null",
      created_at: "bigint not null",
      claimed_by: "text",
      claimed_at: "bigint",
      furnished_at: "bigint",
    },
    indexes: { on_demand_rooms_claimer: ["claimed_by", "claimed_at"] },
  },
});

/** Rooms nobody claimed can be removed: the time of removal is kept, so they still count. */
export const onDemandRemovedMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("on_demand_rooms").addColumn("removed_at", "bigint").execute();
  },
};

export type OnDemandRow = OnDemandRoomTable;

export class OnDemandRooms {
  private readonly db: Kysely<Database & { on_demand_rooms: OnDemandRoomTable }>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ on_demand_rooms: OnDemandRoomTable }>();
  }

  async record(
    row: Pick<OnDemandRoomTable, "room_id" | "alias" | "kind" | "name">,
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .insertInto("on_demand_rooms")
      .values({
        ...row,
        created_at: now,
        claimed_by: null,
        claimed_at: null,
        furnished_at: null,
        removed_at: null,
      })
      .onConflict((oc) => oc.column("room_id").doNothing())
      .execute();
  }

  async get(roomId: string): Promise<OnDemandRow | undefined> {
    return this.db
      .selectFrom("on_demand_rooms")
      .selectAll()
      .where("room_id", "=", roomId)
      .executeTakeFirst();
  }

  /** Rooms created since `since` that nobody has claimed (alias queries not followed by a join). */
  async unclaimedSince(since: number): Promise<number> {
    return countOf(
      this.db
        .selectFrom("on_demand_rooms")
        .where("claimed_by", "is", null)
        .where("created_at", ">=", since),
    );
  }

  /**
   * Strays: rooms created since `since` that no local user claimed within `windowMs` of their
   * creation (as of `now`; removed ones included, so removing a room does not refund it).
   */
  async straysSince(since: number, windowMs: number, now: number): Promise<number> {
    return countOf(
      this.db
        .selectFrom("on_demand_rooms")
        .where("created_at", ">=", since)
        .where("created_at", "<=", now - windowMs)
        .where((eb) =>
          eb.or([
            eb("claimed_at", "is", null),
            eb("claimed_at", ">", sql<number>`created_at + ${windowMs}`),
          ]),
        ),
    );
  }

  /** Rooms nobody claimed, created before `before`, not yet removed. */
  async unclaimedBefore(before: number): Promise<OnDemandRow[]> {
    return this.db
      .selectFrom("on_demand_rooms")
      .selectAll()
      .where("claimed_by", "is", null)
      .where("removed_at", "is", null)
      .where("created_at", "<", before)
      .execute();
  }

  async markRemoved(roomId: string, at: number): Promise<void> {
    await this.db
      .updateTable("on_demand_rooms")
      .set({ removed_at: at })
      .where("room_id", "=", roomId)
      .execute();
  }

  /** Forgets rooms removed before `before` (they no longer count towards any hourly cap). */
  async forgetRemoved(before: number): Promise<void> {
    await this.db.deleteFrom("on_demand_rooms").where("removed_at", "<", before).execute();
  }

  /** Rooms `userId` claimed since `since`. */
  async claimedBy(userId: string, since: number): Promise<number> {
    return countOf(
      this.db
        .selectFrom("on_demand_rooms")
        .where("claimed_by", "=", userId)
        .where("claimed_at", ">=", since),
    );
  }

  /** Claims the room for `userId` unless someone has; returns who holds the claim. */
  async claim(roomId: string, userId: string, now = Date.now()): Promise<string | null> {
    await this.db
      .updateTable("on_demand_rooms")
      .set({ claimed_by: userId, claimed_at: now })
      .where("room_id", "=", roomId)
      .where("claimed_by", "is", null)
      .execute();
    return (await this.get(roomId))?.claimed_by ?? null;
  }

  async markFurnished(roomId: string): Promise<void> {
    await this.db
      .updateTable("on_demand_rooms")
      .set({ furnished_at: Date.now() })
      .where("room_id", "=", roomId)
      .execute();
  }

  /** Claimed rooms whose widget is not in place yet (a furnishing that gave up, a crash). */
  async unfurnished(): Promise<OnDemandRow[]> {
    return this.db
      .selectFrom("on_demand_rooms")
      .selectAll()
      .where("claimed_by", "is not", null)
      .where("furnished_at", "is", null)
      .execute();
  }
}
