/**
 * Reads a room's recent history to tell whether the bot already posted a message: the check
 * a resend makes when the homeserver may have forgotten the transaction id. In an encrypted
 * room the bot's messages are read with its own keys (`readOwn`), since their bodies are
 * ciphertext to everyone else.
 */
import type { RecentlySent } from "./delivery";

type DoRequest = (method: string, path: string, qs?: Record<string, unknown>) => Promise<unknown>;

interface HistoryEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  /** The rest of the event as the homeserver sent it (the crypto reads it whole). */
  [key: string]: unknown;
}

/** The clear content of an encrypted event the bot sent, or null (encryption off: absent). */
export type ReadOwn = (event: HistoryEvent) => Promise<Record<string, unknown> | null>;

export function recentlySentVia(
  doRequest: DoRequest,
  botUserId: string,
  readOwn?: ReadOwn,
): RecentlySent {
  return async (roomId, body) => {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`;
    const page = (await doRequest("GET", path, { dir: "b", limit: 100 })) as {
      chunk?: HistoryEvent[];
    };
    for (const e of page.chunk ?? []) {
      if (e.sender !== botUserId || !e.content) continue;
      if (e.type === "m.room.message" && e.content.body === body) return true;
      if (e.type === "m.room.encrypted" && readOwn) {
        if ((await readOwn({ ...e, room_id: roomId }))?.body === body) return true;
      }
    }
    return false;
  };
}
