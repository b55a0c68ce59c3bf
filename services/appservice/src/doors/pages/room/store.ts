/**
 * What the workspace page keeps (migration `0009_workspace_pins`): the one pinned message per
 * room with the workspace link (its event id, so later changes edit it instead of posting
 * again), the bot's direct-message room per person (created once, reused), and the browser
 * sessions of people who signed in with Matrix — only a SHA-256 of each session id is stored,
 * so the table hands out nothing that opens a session.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { tablesMigration } from "../../../store/migration-tables";
import { exists } from "../../../store/queries";
import type { Database } from "../../../store/schema";

export interface WorkspacePinTable {
  room_id: string;
  /** The bot's message with the workspace link; edits relate to it. */
  event_id: string;
  /** SHA-256 of the text last sent, so an unchanged list is not sent again. */
  text_hash: string;
  /** When the bot said what power it needs to pin (said once per room). */
  asked_power_at: number | null;
  updated_at: number;
}

export interface WorkspaceDmTable {
  user_id: string;
  room_id: string;
  created_at: number;
}

export interface WorkspaceSessionTable {
  /** SHA-256 (base64url) of the session id the browser holds. */
  id_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** Last time the person was confirmed to still share a room with the bot. */
  checked_at: number;
}

type Tables = {
  workspace_pins: WorkspacePinTable;
  workspace_dm_rooms: WorkspaceDmTable;
  workspace_sessions: WorkspaceSessionTable;
};

export const workspacePinsMigration: Migration = tablesMigration({
  workspace_pins: {
    columns: {
      room_id: "text primary key",
      event_id: "text not null",
      text_hash: "text not null",
      asked_power_at: "bigint",
      updated_at: "bigint not null",
    },
  },
  workspace_dm_rooms: {
    columns: {
      user_id: "text primary key",
      room_id: "text not null",
      created_at: "bigint not null",
    },
  },
  workspace_sessions: {
    columns: {
      id_hash: "text primary key",
      user_id: "text not null",
      created_at: "bigint not null",
      expires_at: "bigint not null",
      checked_at: "bigint not null",
    },
    indexes: { workspace_sessions_user: "user_id" },
  },
});

/** The workspace page's tables. */
export class WorkspacePageStore {
  private readonly db: Kysely<Database & Tables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<Tables>();
  }

  async pinOf(roomId: string): Promise<WorkspacePinTable | undefined> {
    return this.db
      .selectFrom("workspace_pins")
      .selectAll()
      .where("room_id", "=", roomId)
      .executeTakeFirst();
  }

  async savePin(row: WorkspacePinTable): Promise<void> {
    await this.db
      .insertInto("workspace_pins")
      .values(row)
      .onConflict((oc) =>
        oc.column("room_id").doUpdateSet({
          event_id: row.event_id,
          text_hash: row.text_hash,
          asked_power_at: row.asked_power_at,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async dmRoomOf(userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("workspace_dm_rooms")
      .select("room_id")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row?.room_id;
  }

  /** Every DM room (they do not count as rooms a person shares with the bot). */
  async dmRooms(): Promise<Set<string>> {
    const rows = await this.db.selectFrom("workspace_dm_rooms").select("room_id").execute();
    return new Set(rows.map((r) => r.room_id));
  }

  async saveDmRoom(userId: string, roomId: string): Promise<void> {
    await this.db
      .insertInto("workspace_dm_rooms")
      .values({ user_id: userId, room_id: roomId, created_at: Date.now() })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ room_id: roomId }))
      .execute();
  }

  async addSession(row: WorkspaceSessionTable): Promise<void> {
    await this.db.insertInto("workspace_sessions").values(row).execute();
  }

  async session(idHash: string): Promise<WorkspaceSessionTable | undefined> {
    return this.db
      .selectFrom("workspace_sessions")
      .selectAll()
      .where("id_hash", "=", idHash)
      .executeTakeFirst();
  }

  async markChecked(idHash: string, at: number): Promise<void> {
    await this.db
      .updateTable("workspace_sessions")
      .set({ checked_at: at })
      .where("id_hash", "=", idHash)
      .execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom("workspace_sessions").where("id_hash", "=", idHash).execute();
  }

  /** Whether the person has a session at all (most who leave a room have none). */
  async hasSessions(userId: string): Promise<boolean> {
    return exists(this.db.selectFrom("workspace_sessions").where("user_id", "=", userId));
  }

  /** Ends every session of a person; returns how many there were. */
  async deleteSessionsOf(userId: string): Promise<number> {
    const result = await this.db
      .deleteFrom("workspace_sessions")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pruneSessions(now: number): Promise<void> {
    await this.db.deleteFrom("workspace_sessions").where("expires_at", "<=", now).execute();
  }
}
