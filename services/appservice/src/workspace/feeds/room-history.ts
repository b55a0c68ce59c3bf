/**
 * Reads a room's recent history to tell whether the bot already posted a message: the check
 * a resend makes when the homeserver may have forgotten the transaction id.
 */
import type { RecentlySent } from "./delivery";

type DoRequest = (method: string, path: string, qs?: Record<string, unknown>) => Promise<unknown>;

export function recentlySentVia(doRequest: DoRequest, botUserId: string): RecentlySent {
  return async (roomId, body) => {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`;
    const page = (await doRequest("GET", path, { dir: "b", limit: 100 })) as {
      chunk?: Array<{ sender?: unknown; type?: unknown; content?: { body?: unknown } }>;
    };
    return (page.chunk ?? []).some(
      (e) => e.sender === botUserId && e.type === "m.room.message" && e.content?.body === body,
    );
  };
}
