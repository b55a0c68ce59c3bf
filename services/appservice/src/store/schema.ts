/** Table types of Atrium's store (Kysely). Times are unix milliseconds. */
import type { Generated } from "kysely";

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

export interface Database {
  widgets: WidgetTable;
  ledger: LedgerTable;
  inbox: InboxTable;
  room_settings: RoomSettingsTable;
  pad_sessions: PadSessionTable;
  im_tokens: ImTokenTable;
  im_terms: ImTermsTable;
}
