/**
 * Who is calling the integration manager: the IM token from `Authorization: Bearer`, or the
 * `access_token` (MSC1961) or `scalar_token` (Element's) query parameter, looked up in the
 * store. Routes behind {@link requireUser} find the user in `res.locals.imUser`.
 */
import type express from "express";
import type { ImTokens } from "../../store/im-tokens";
import { AccessError } from "../../matrix/access-error";

/** The IM token a request carries, or null. */
export function tokenOf(req: express.Request): string | null {
  const header = req.headers.authorization;
  if (typeof header === "string") {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? null;
  }
  for (const key of ["access_token", "scalar_token"]) {
    const value = req.query[key];
    if (typeof value === "string" && value) return value;
  }
  return null;
}

/** The user behind the request's token; refuses a missing, unknown, expired or revoked one. */
export async function userOfRequest(req: express.Request, tokens: ImTokens): Promise<string> {
  const token = tokenOf(req);
  if (!token || token.length > 512) {
    throw new AccessError(
      401,
      "M_MISSING_TOKEN",
      "This needs the integration manager's token (Authorization: Bearer …); reopen the integration manager from the room.",
    );
  }
  const userId = await tokens.userOf(token);
  if (!userId) {
    throw new AccessError(
      401,
      "M_UNKNOWN_TOKEN",
      "Your integration manager session is unknown or has expired; close and reopen the integration manager.",
    );
  }
  return userId;
}
