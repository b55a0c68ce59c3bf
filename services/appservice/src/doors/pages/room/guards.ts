/**
 * Checks every state-changing request of the workspace page passes: it comes from the page
 * itself (same origin, JSON), so no other site can sign a browser in, out, or open a pad in it.
 */
import type express from "express";
import { AccessError } from "../../../matrix/access-error";

/**
 * Refuses a request another site made: an `Origin` other than ours, a `Sec-Fetch-Site` other
 * than same-origin, or a body that is not JSON (an HTML form cannot send JSON).
 */
export function requirePageRequest(req: express.Request, webOrigin: string): void {
  const origin = req.headers.origin;
  const site = req.headers["sec-fetch-site"];
  if (
    (origin !== undefined && origin !== webOrigin) ||
    (site !== undefined && site !== "same-origin")
  ) {
    throw new AccessError(
      403,
      "M_FORBIDDEN",
      "Only Atrium's own workspace page may ask this. Open the page again from the room's link.",
    );
  }
  if (!req.is("application/json")) {
    throw new AccessError(
      415,
      "M_NOT_JSON",
      "Send the request as JSON (Content-Type: application/json).",
    );
  }
}

/** The request's body as an object (express.json gives {} for an empty body). */
export function bodyOf(req: express.Request): Record<string, unknown> {
  const b: unknown = req.body;
  return b && typeof b === "object" ? (b as Record<string, unknown>) : {};
}

/**
 * A Matrix user ID as the spec allows it (`@localpart:server`, 255 characters at most), or
 * null. Historical localparts (any printable ASCII but `:`) are accepted; spaces are not.
 */
export function parseUserId(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const id = raw.trim();
  if (id.length > 255) return null;
  const m = /^@([\x21-\x39\x3B-\x7E]+):([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/u.exec(id);
  return m ? id : null;
}
