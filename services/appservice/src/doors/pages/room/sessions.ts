/**
 * Browser sessions of the workspace page. A session says who a browser is; it opens no room by
 * itself (each room is checked against the homeserver when it is opened). The cookie is
 * HttpOnly, SameSite=Lax, scoped to /atrium, Secure on https; the store keeps only its SHA-256.
 * A session ends when it expires, when its person signs out, and when the person no longer
 * shares any room with the bot (checked at most every {@link RECHECK_MS}) — which is what a
 * deactivated account looks like: the homeserver removes it from every room.
 */
import { randomBytes } from "node:crypto";
import { parseCookie, stringifySetCookie } from "cookie";
import { secretDigest } from "../../../util/secrets";
import type { WorkspacePageStore } from "./store";

export const WORKSPACE_COOKIE = "atrium_workspace";
/** How often a session's person is confirmed to still share a room with the bot. */
export const RECHECK_MS = 5 * 60_000;

export interface SignedIn {
  userId: string;
  idHash: string;
}

export interface SessionOptions {
  store: Pick<
    WorkspacePageStore,
    "addSession" | "session" | "markChecked" | "deleteSession" | "deleteSessionsOf"
  >;
  /** Session lifetime, seconds. */
  maxAgeSeconds: number;
  https: boolean;
  /** Whether the person still shares a room with the bot. */
  stillHere: (userId: string) => Promise<boolean>;
  now?: () => number;
}

export class WorkspaceSessions {
  constructor(private readonly opts: SessionOptions) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** A new session for `userId`; returns its Set-Cookie value. */
  async create(userId: string): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const now = this.now();
    await this.opts.store.addSession({
      id_hash: secretDigest(id),
      user_id: userId,
      created_at: now,
      expires_at: now + this.opts.maxAgeSeconds * 1000,
      checked_at: now,
    });
    return this.cookie(id, this.opts.maxAgeSeconds);
  }

  /** Who the browser with this Cookie header is, or null. */
  async resolve(cookieHeader: string | undefined): Promise<SignedIn | null> {
    const id = cookieHeader ? parseCookie(cookieHeader)[WORKSPACE_COOKIE] : undefined;
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const idHash = secretDigest(id);
    const row = await this.opts.store.session(idHash);
    if (!row) return null;
    const now = this.now();
    if (Number(row.expires_at) <= now) {
      await this.opts.store.deleteSession(idHash);
      return null;
    }
    if (now - Number(row.checked_at) >= RECHECK_MS) {
      if (!(await this.opts.stillHere(row.user_id))) {
        await this.opts.store.deleteSessionsOf(row.user_id);
        return null;
      }
      await this.opts.store.markChecked(idHash, now);
    }
    return { userId: row.user_id, idHash };
  }

  /** Signs the browser out; returns the Set-Cookie value that clears its cookie. */
  async end(cookieHeader: string | undefined): Promise<string> {
    const signedIn = await this.resolve(cookieHeader);
    if (signedIn) await this.opts.store.deleteSession(signedIn.idHash);
    return this.cookie("", 0);
  }

  private cookie(value: string, maxAge: number): string {
    return stringifySetCookie({
      name: WORKSPACE_COOKIE,
      value,
      path: "/atrium",
      maxAge,
      httpOnly: true,
      secure: this.opts.https,
      sameSite: "lax",
    });
  }
}
