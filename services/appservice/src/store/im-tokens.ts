/**
 * The integration manager's tokens (what Element calls `scalar_token`): opaque random strings
 * handed to a user after an OpenID check. Only a SHA-256 of each is stored, so a leaked
 * database opens nothing; each expires, and logout revokes it. Terms a user accepted are kept
 * beside them.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "./schema";

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export class ImTokens {
  constructor(private readonly db: Kysely<Database>) {}

  /** A new token for `userId`, valid for `lifetimeMs`. */
  async issue(userId: string, lifetimeMs: number, now = Date.now()): Promise<string> {
    const token = `atr_${randomBytes(32).toString("base64url")}`;
    await this.db
      .insertInto("im_tokens")
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        created_at: now,
        expires_at: now + lifetimeMs,
        revoked_at: null,
      })
      .execute();
    return token;
  }

  /** The user a token belongs to, or null when it is unknown, expired or revoked. */
  async userOf(token: string, now = Date.now()): Promise<string | null> {
    const row = await this.db
      .selectFrom("im_tokens")
      .select(["user_id", "expires_at", "revoked_at"])
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= now) return null;
    return row.user_id;
  }

  /** Revokes a token (logout); true when it was live. */
  async revoke(token: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable("im_tokens")
      .set({ revoked_at: now })
      .where("token_hash", "=", hashToken(token))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Drops tokens that expired or were revoked more than `graceMs` ago. */
  async prune(graceMs: number, now = Date.now()): Promise<void> {
    await this.db
      .deleteFrom("im_tokens")
      .where((eb) =>
        eb.or([eb("expires_at", "<", now - graceMs), eb("revoked_at", "<", now - graceMs)]),
      )
      .execute();
  }

  /** Records that `userId` accepted the policies at `urls` (idempotent). */
  async acceptTerms(userId: string, urls: readonly string[], now = Date.now()): Promise<void> {
    if (urls.length === 0) return;
    await this.db
      .insertInto("im_terms")
      .values(urls.map((url) => ({ user_id: userId, url, accepted_at: now })))
      .onConflict((oc) => oc.columns(["user_id", "url"]).doNothing())
      .execute();
  }

  /** The policy URLs `userId` accepted. */
  async acceptedTerms(userId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom("im_terms")
      .select("url")
      .where("user_id", "=", userId)
      .execute();
    return new Set(rows.map((r) => r.url));
  }
}
