/**
 * The integration manager's tokens (what Element calls `scalar_token`): opaque random strings
 * handed to a user after an OpenID check. Only a SHA-256 of each is stored, so a leaked
 * database opens nothing; each expires (`integrationManager.tokenLifetimeHours`, hours by
 * default), logout revokes it, and so does its user no longer sharing any room with the bot
 * (checked at most every {@link LIVENESS_RECHECK_MS}): leaving every room, or a deactivation,
 * which removes the account from every room, ends the token (issue 22 item 9). Terms a user
 * accepted are kept beside them.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "./schema";

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** How often a token's user is confirmed to still share a room with the bot. */
export const LIVENESS_RECHECK_MS = 5 * 60_000;
/** Tokens whose last check is remembered; past this the oldest are checked again. */
const MAX_CHECKED = 10_000;

export interface ImTokenOptions {
  /**
   * Whether `userId` still shares a room with the bot (the workspace page's rule). Without it,
   * tokens end only by expiry and logout.
   */
  stillHere?: (userId: string) => Promise<boolean>;
}

export class ImTokens {
  /** token hash → when its user was last checked, and whether they shared a room then. */
  private readonly checked = new Map<string, { at: number; shared: boolean }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: ImTokenOptions = {},
  ) {}

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
    return (await this.stillHere(token, row.user_id, now)) ? row.user_id : null;
  }

  /**
   * False (and the token revoked) when the user shared a room with the bot at an earlier check
   * and shares none now. A user who shares none yet keeps their token: they may be about to
   * invite the bot with the IM. What earlier checks saw is kept in memory, so after a restart a
   * token ends this way only once it was seen shared again (its lifetime bounds the rest). A
   * check that fails (homeserver unreachable) keeps the token and is tried on the next use.
   */
  private async stillHere(token: string, userId: string, now: number): Promise<boolean> {
    const check = this.opts.stillHere;
    if (!check) return true;
    const hash = hashToken(token);
    const last = this.checked.get(hash);
    if (last !== undefined && now - last.at < LIVENESS_RECHECK_MS) return true;
    let here: boolean;
    try {
      here = await check(userId);
    } catch {
      return true;
    }
    this.checked.delete(hash);
    if (!here && last?.shared) {
      await this.revoke(token, now);
      return false;
    }
    if (this.checked.size >= MAX_CHECKED) {
      const oldest = this.checked.keys().next().value;
      if (oldest !== undefined) this.checked.delete(oldest);
    }
    this.checked.set(hash, { at: now, shared: here || last?.shared === true });
    return true;
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
