/** Schema migrations, applied at start (Kysely's Migrator; unordered allowed: store.ts). */
import { sql, type Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely/migration";
import { onDemandRemovedMigration, roomsOnDemandMigration } from "./on-demand-rooms";
import { padRevocationsMigration } from "./pad-revocations";
import { cryptoParkedMigration } from "../matrix/crypto/parking";
import { workspacePinsMigration } from "../doors/pages/room/store";
import { rtcRemovalsMigration } from "../doors/calls/store";
import { autoId, createTables, tablesMigration, type Dialect } from "./migration-tables";
import { RETRY_SCHEDULE_COLUMNS } from "./retry-queue";

function migrations(dialect: Dialect): Record<string, Migration> {
  const id = autoId(dialect);
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await createTables(db, {
          widgets: {
            columns: {
              room_id: "text not null",
              widget_id: "text not null",
              kind: "text not null",
              name: "text not null",
              url: "text not null",
              pad_id: "text",
              conference_id: "text",
              creator: "text not null",
              created_at: "bigint not null",
              archived_at: "bigint",
              archived_by: "text",
            },
            primaryKey: ["room_id", "widget_id"],
          },
          ledger: {
            columns: {
              event_id: "text primary key",
              room_id: "text not null",
              sender: "text not null",
              command: "text not null",
              outcome: "text not null",
              detail: "text",
              created_at: "bigint not null",
              updated_at: "bigint not null",
            },
          },
          inbox: {
            columns: {
              seq: id,
              event_id: "text not null unique",
              txn_id: "text not null",
              room_id: "text not null",
              event_json: "text not null",
              received_at: "bigint not null",
              processed_at: "bigint",
              attempts: "integer not null default 0",
              error: "text",
            },
            indexes: { inbox_pending: ["processed_at", "seq"] },
          },
          room_settings: {
            columns: {
              room_id: "text primary key",
              auto_conference: "integer",
              updated_at: "bigint not null",
            },
          },
          pad_sessions: {
            columns: {
              session_id: "text primary key",
              room_id: "text not null",
              user_id: "text not null",
              group_id: "text not null",
              valid_until: "bigint not null",
              created_at: "bigint not null",
            },
            indexes: { pad_sessions_member: ["room_id", "user_id"] },
          },
        });
        await sql`select 1`.execute(db);
      },
    },
    "0002_integration_manager": tablesMigration({
      // IM tokens (scalar_token / MSC1961): only a SHA-256 of each token is kept.
      im_tokens: {
        columns: {
          token_hash: "text primary key",
          user_id: "text not null",
          created_at: "bigint not null",
          expires_at: "bigint not null",
          revoked_at: "bigint",
        },
        indexes: { im_tokens_user: "user_id" },
      },
      // Terms (MSC2140) a user accepted, by policy URL.
      im_terms: {
        columns: {
          user_id: "text not null",
          url: "text not null",
          accepted_at: "bigint not null",
        },
        primaryKey: ["user_id", "url"],
      },
    }),
    "0003_feeds": tablesMigration({
      feeds: {
        columns: {
          id,
          url: "text not null unique",
          title: "text not null",
          etag: "text",
          last_modified: "text",
          body_hash: "text",
          next_fetch_at: "bigint not null",
          interval_hint_s: "integer",
          failures: "integer not null default 0",
          failing_since: "bigint",
          failure_notified: "integer not null default 0",
          last_error: "text",
          last_status: "integer",
          state: "text not null default 'active'",
          moved_to: "text",
          moved_count: "integer not null default 0",
          initialized: "integer not null default 0",
          newest_item_at: "bigint",
          created_at: "bigint not null",
          last_success_at: "bigint",
        },
        indexes: { feeds_due: ["state", "next_fetch_at"] },
      },
      feed_subscriptions: {
        columns: {
          id,
          feed_id: "bigint not null",
          room_id: "text not null",
          label: "text not null",
          template: "text",
          paused: "integer not null default 0",
          added_by: "text not null",
          created_at: "bigint not null",
        },
        unique: {
          feed_subscriptions_room_feed: ["room_id", "feed_id"],
          feed_subscriptions_room_label: ["room_id", "label"],
        },
        indexes: { feed_subscriptions_feed: "feed_id" },
      },
      feed_seen: {
        columns: {
          feed_id: "bigint not null",
          item_key: "text not null",
          key_version: "integer not null",
          first_seen: "bigint not null",
          content_hash: "text",
        },
        primaryKey: ["feed_id", "item_key"],
      },
      feed_outbox: {
        columns: {
          id,
          subscription_id: "bigint not null",
          room_id: "text not null",
          item_key: "text not null",
          plain: "text not null",
          html: "text not null",
          state: "text not null",
          item_date: "bigint",
          ...RETRY_SCHEDULE_COLUMNS,
          sent_at: "bigint",
          last_error: "text",
        },
        unique: { feed_outbox_sub_item: ["subscription_id", "item_key"] },
        indexes: { feed_outbox_pending: ["state", "next_attempt_at"] },
      },
    }),
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
