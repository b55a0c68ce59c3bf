/**
 * The homeserver's token check (hs_token), in constant time: both sides are hashed to the
 * same length first, so neither the length nor the first differing byte shows in the timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The token a request carries: `Authorization: Bearer …`, or the legacy `?access_token=`. */
export function tokenOf(req: {
  headers: { authorization?: string | undefined };
  query?: unknown;
}): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === "string" && header.startsWith("Bearer ")) {
    return header.slice("Bearer ".length);
  }
  const legacy = (req.query as { access_token?: unknown } | undefined)?.access_token;
  return typeof legacy === "string" ? legacy : undefined;
}

/** True when `provided` is the expected token. */
export function tokenMatches(provided: string | undefined, expected: string): boolean {
  if (provided === undefined || expected === "") return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(provided), digest(expected));
}
