/** Schema migrations, applied in order at start (Kysely's Migrator keeps track). */
import { sql, type Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely/migration";
import { roomsOnDemandMigration } from "./on-demand-rooms";

type Dialect = "sqlite" | "postgres";

function migrations(dialect: Dialect): Record<string, Migration> {
  const autoId = dialect === "postgres" ? "bigserial" : "integer";
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("widgets")
          .addColumn("room_id", "text", (c) => c.notNull())
          .addColumn("widget_id", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("url", "text", (c) => c.notNull())
          .addColumn("pad_id", "text")
          .addColumn("conference_id", "text")
          .addColumn("creator", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("archived_at", "bigint")
          .addColumn("archived_by", "text")
          .addPrimaryKeyConstraint("widgets_pk", ["room_id", "widget_id"])
          .execute();
        await db.schema
          .createTable("ledger")
          .addColumn("event_id", "text", (c) => c.primaryKey())
          .addColumn("room_id", "text", (c) => c.notNull())
          .addColumn("sender", "text", (c) => c.notNull())
          .addColumn("command", "text", (c) => c.notNull())
          .addColumn("outcome", "text", (c) => c.notNull())
          .addColumn("detail", "text")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("inbox")
          .addColumn("seq", autoId as "integer", (c) =>
            dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn("event_id", "text", (c) => c.notNull().unique())
          .addColumn("txn_id", "text", (c) => c.notNull())
          .addColumn("room_id", "text", (c) => c.notNull())
          .addColumn("event_json", "text", (c) => c.notNull())
          .addColumn("received_at", "bigint", (c) => c.notNull())
          .addColumn("processed_at", "bigint")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error", "text")
          .execute();
        await db.schema
          .createIndex("inbox_pending")
          .on("inbox")
          .columns(["processed_at", "seq"])
          .execute();
        await db.schema
          .createTable("room_settings")
          .addColumn("room_id", "text", (c) => c.primaryKey())
          .addColumn("auto_conference", "integer")
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("pad_sessions")
          .addColumn("session_id", "text", (c) => c.primaryKey())
          .addColumn("room_id", "text", (c) => c.notNull())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("group_id", "text", (c) => c.notNull())
          .addColumn("valid_until", "bigint", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("pad_sessions_member")
          .on("pad_sessions")
          .columns(["room_id", "user_id"])
          .execute();
        await sql`select 1`.execute(db);
      },
    },
    "0002_integration_manager": {
      async up(db: Kysely<unknown>) {
        // IM tokens (scalar_token / MSC1961): only a SHA-256 of each token is kept.
        await db.schema
          .createTable("im_tokens")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addColumn("revoked_at", "bigint")
          .execute();
        await db.schema.createIndex("im_tokens_user").on("im_tokens").column("user_id").execute();
        // Terms (MSC2140) a user accepted, by policy URL.
        await db.schema
          .createTable("im_terms")
          .addColumn("user_id", "text", (c) => c.notNull())
          .addColumn("url", "text", (c) => c.notNull())
          .addColumn("accepted_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("im_terms_pk", ["user_id", "url"])
          .execute();
      },
    },
    "0004_rooms_on_demand": roomsOnDemandMigration,
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
