/**
 * The bot user. It is a namespaced user of the appservice (not its `sender_localpart`), so it
 * is registered by the appservice once; on every later start (and for deployments where the
 * bot was the sender user before) the homeserver answers M_USER_IN_USE, which is fine.
 */
import { errcodeOf } from "./errors";

interface Requester {
  doRequest(method: string, path: string, qs?: unknown, body?: unknown): Promise<unknown>;
}

/** Registers `@<localpart>` as the appservice (no login, no device: MSC4190 makes devices). */
export async function registerBot(client: Requester, localpart: string): Promise<void> {
  try {
    await client.doRequest("POST", "/_matrix/client/v3/register", null, {
      type: "m.login.application_service",
      username: localpart,
      inhibit_login: true,
    });
  } catch (error: unknown) {
    if (errcodeOf(error) === "M_USER_IN_USE") return;
    throw error;
  }
}
