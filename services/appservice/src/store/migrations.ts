/** Schema migrations, applied at start (Kysely's Migrator; unordered allowed: store.ts). */
import { sql, type ColumnDefinitionBuilder, type Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely/migration";
import { onDemandRemovedMigration, roomsOnDemandMigration } from "./on-demand-rooms";
import { padRevocationsMigration } from "./pad-revocations";
import { cryptoParkedMigration } from "../matrix/crypto/parking";
import { workspacePinsMigration } from "../doors/pages/room/store";
import { rtcRemovalsMigration } from "../doors/calls/store";

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
    "0003_feeds": {
      async up(db: Kysely<unknown>) {
        const id = (c: ColumnDefinitionBuilder) =>
          dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement();
        await db.schema
          .createTable("feeds")
          .addColumn("id", autoId as "integer", id)
          .addColumn("url", "text", (c) => c.notNull().unique())
          .addColumn("title", "text", (c) => c.notNull())
          .addColumn("etag", "text")
          .addColumn("last_modified", "text")
          .addColumn("body_hash", "text")
          .addColumn("next_fetch_at", "bigint", (c) => c.notNull())
          .addColumn("interval_hint_s", "integer")
          .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("failing_since", "bigint")
          .addColumn("failure_notified", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("last_error", "text")
          .addColumn("last_status", "integer")
          .addColumn("state", "text", (c) => c.notNull().defaultTo("active"))
          .addColumn("moved_to", "text")
          .addColumn("moved_count", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("initialized", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("newest_item_at", "bigint")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("last_success_at", "bigint")
          .execute();
        await db.schema
          .createIndex("feeds_due")
          .on("feeds")
          .columns(["state", "next_fetch_at"])
          .execute();
        await db.schema
          .createTable("feed_subscriptions")
          .addColumn("id", autoId as "integer", id)
          .addColumn("feed_id", "bigint", (c) => c.notNull())
          .addColumn("room_id", "text", (c) => c.notNull())
          .addColumn("label", "text", (c) => c.notNull())
          .addColumn("template", "text")
          .addColumn("paused", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("added_by", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("feed_subscriptions_room_feed", ["room_id", "feed_id"])
          .addUniqueConstraint("feed_subscriptions_room_label", ["room_id", "label"])
          .execute();
        await db.schema
          .createIndex("feed_subscriptions_feed")
          .on("feed_subscriptions")
          .column("feed_id")
          .execute();
        await db.schema
          .createTable("feed_seen")
          .addColumn("feed_id", "bigint", (c) => c.notNull())
          .addColumn("item_key", "text", (c) => c.notNull())
          .addColumn("key_version", "integer", (c) => c.notNull())
          .addColumn("first_seen", "bigint", (c) => c.notNull())
          .addColumn("content_hash", "text")
          .addPrimaryKeyConstraint("feed_seen_pk", ["feed_id", "item_key"])
          .execute();
        await db.schema
          .createTable("feed_outbox")
          .addColumn("id", autoId as "integer", id)
          .addColumn("subscription_id", "bigint", (c) => c.notNull())
          .addColumn("room_id", "text", (c) => c.notNull())
          .addColumn("item_key", "text", (c) => c.notNull())
          .addColumn("plain", "text", (c) => c.notNull())
          .addColumn("html", "text", (c) => c.notNull())
          .addColumn("state", "text", (c) => c.notNull())
          .addColumn("item_date", "bigint")
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
          .addColumn("sent_at", "bigint")
          .addColumn("last_error", "text")
          .addUniqueConstraint("feed_outbox_sub_item", ["subscription_id", "item_key"])
          .execute();
        await db.schema
          .createIndex("feed_outbox_pending")
          .on("feed_outbox")
          .columns(["state", "next_attempt_at"])
          .execute();
      },
    },
    "0004_rooms_on_demand": roomsOnDemandMigration,
    "0005_crypto_parked": cryptoParkedMigration,
    "0006_pending_revocations": padRevocationsMigration,
    "0007_on_demand_removed": onDemandRemovedMigration,
    "0008_rtc_removals": rtcRemovalsMigration,
    "0009_workspace_pins": workspacePinsMigration,
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
