/** Table types of Atrium's store (Kysely). Times are unix milliseconds. */
import type { Generated } from "kysely";
import type { RetryColumns } from "./retry-queue";

export type WidgetKind = "etherpad" | "jitsi" | "custom";

export interface WidgetTable {
  room_id: string;
  widget_id: string;
  kind: WidgetKind;
  name: string;
  url: string;
  /** Etherpad group pad id (kind etherpad). */
  pad_id: string | null;
  /** Jitsi conference id (kind jitsi). */
  conference_id: string | null;
  creator: string;
  created_at: number;
  /** Set when the widget was removed from the room; the pad's content is kept. */
  archived_at: number | null;
  archived_by: string | null;
}

/** One row per command event: a retried transaction or a restart never runs it twice. */
export interface LedgerTable {
  event_id: string;
  room_id: string;
  sender: string;
  command: string;
  outcome: "pending" | "done" | "refused" | "failed";
  detail: string | null;
  created_at: number;
  updated_at: number;
}

/** Events recorded before their transaction is acknowledged; processed in order. */
export interface InboxTable {
  seq: Generated<number>;
  event_id: string;
  txn_id: string;
  room_id: string;
  event_json: string;
  received_at: number;
  processed_at: number | null;
  attempts: number;
  error: string | null;
}

export interface RoomSettingsTable {
  room_id: string;
  /** null: follow the deployment default (jitsi.autoConference). */
  auto_conference: number | null;
  updated_at: number;
}

export interface PadSessionTable {
  session_id: string;
  room_id: string;
  user_id: string;
  group_id: string;
  valid_until: number;
  created_at: number;
}

/** Integration manager tokens; `token_hash` is the hex SHA-256 of the opaque token. */
export interface ImTokenTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Terms of service (policy URLs) a user accepted in the integration manager. */
export interface ImTermsTable {
  user_id: string;
  url: string;
  accepted_at: number;
}

/** A feed URL Atrium polls, shared by every room subscribed to it (feeds/). */
export interface FeedTable {
  id: Generated<number>;
  url: string;
  title: string;
  etag: string | null;
  last_modified: string | null;
  /** SHA-256 of the last body read: an unchanged body is not parsed again. */
  body_hash: string | null;
  next_fetch_at: number;
  /** What the feed asked for (ttl, Cache-Control), seconds. */
  interval_hint_s: number | null;
  failures: number;
  failing_since: number | null;
  /** 1 once the rooms were told about the current run of failures. */
  failure_notified: number;
  last_error: string | null;
  last_status: number | null;
  /** `gone`: the server answered 410; polling stops until `!feed resume`. */
  state: "active" | "gone";
  /** A permanent redirect target seen on consecutive fetches, and how many. */
  moved_to: string | null;
  moved_count: number;
  /** 1 after the first successful read (even of an empty feed): its entries are the baseline. */
  initialized: number;
  newest_item_at: number | null;
  created_at: number;
  last_success_at: number | null;
}

export interface FeedSubscriptionTable {
  id: Generated<number>;
  feed_id: number;
  room_id: string;
  label: string;
  /** null: the default template. */
  template: string | null;
  paused: number;
  added_by: string;
  created_at: number;
}

/** Entries of a feed already handled (posted, queued, or deliberately skipped). */
export interface FeedSeenTable {
  feed_id: number;
  item_key: string;
  key_version: number;
  first_seen: number;
  content_hash: string | null;
}

/**
 * Messages to send, written together with the seen-marks; sent with a derived txn id, retried
 * until the homeserver accepts them (retry-queue.ts).
 */
export interface FeedOutboxTable extends RetryColumns {
  id: Generated<number>;
  subscription_id: number;
  room_id: string;
  item_key: string;
  plain: string;
  html: string;
  state: "pending" | "sent" | "dropped";
  item_date: number | null;
  sent_at: number | null;
}

export interface Database {
  widgets: WidgetTable;
  ledger: LedgerTable;
  inbox: InboxTable;
  room_settings: RoomSettingsTable;
  pad_sessions: PadSessionTable;
  im_tokens: ImTokenTable;
  im_terms: ImTermsTable;
  feeds: FeedTable;
  feed_subscriptions: FeedSubscriptionTable;
  feed_seen: FeedSeenTable;
  feed_outbox: FeedOutboxTable;
}
