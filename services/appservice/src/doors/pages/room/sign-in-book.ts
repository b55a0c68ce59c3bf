/**
 * Sign-in requests of the workspace page, in memory (a request lives minutes; a restart costs
 * one more request, never a second use). A request is made by one browser for one Matrix ID
 * and holds two secrets that only the bot's direct message carries:
 * - a short **code**, which signs in only the browser that asked (it must also present the
 *   request id, an HttpOnly cookie set when it asked), with {@link MAX_CODE_ATTEMPTS} tries,
 *   after which the request dies;
 * - a **link token** (256 bits), which signs in whichever browser opens the link, after that
 *   browser confirms who is signing in.
 * Each is single-use. Only SHA-256 digests are kept as keys.
 */
import { randomInt } from "node:crypto";
import {
  digestIfSecret,
  dropExpired,
  keepBounded,
  newSecret,
  secretDigest,
} from "../../../util/secrets";

/** How long a code and a link can be used. */
export const SIGN_IN_SECONDS = 10 * 60;
/** Wrong codes a request survives; the next wrong one closes it. */
export const MAX_CODE_ATTEMPTS = 5;
/** Requests held at once; past this the oldest are dropped. */
export const MAX_REQUESTS = 20_000;
/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH = 8;

export interface SignInRequest {
  userId: string;
  /** The room the person asked from (the link brings them back there). */
  roomId: string | null;
  code: string;
  attempts: number;
  codeUsed: boolean;
  linkUsed: boolean;
  expiresAt: number;
}

export interface IssuedRequest {
  /** Goes into the asking browser's cookie. */
  requestId: string;
  code: string;
  linkToken: string;
  expiresAt: number;
}

export type CodeOutcome =
  | { ok: true; userId: string; roomId: string | null }
  | { ok: false; reason: "no-request" | "wrong"; attemptsLeft: number }
  | { ok: false; reason: "closed" };

/** A code as a person reads it out: `ABCD-EFGH`. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a person typed, reduced to the code's letters (case, spaces and dashes ignored). */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "").slice(0, 32);
}

export class SignInBook {
  private readonly byRequest = new Map<string, SignInRequest>();
  /** Link token digest → request digest. */
  private readonly byLink = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new request for `userId`; see the module comment. */
  issue(userId: string, roomId: string | null): IssuedRequest {
    const requestId = newSecret();
    const linkToken = newSecret();
    let code = "";
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    const expiresAt = this.now() + SIGN_IN_SECONDS * 1000;
    const key = secretDigest(requestId);
    const request = {
      userId,
      roomId,
      code,
      attempts: 0,
      codeUsed: false,
      linkUsed: false,
      expiresAt,
    };
    keepBounded(this.byRequest, key, request, MAX_REQUESTS, this.now());
    this.dropDeadLinks();
    this.byLink.set(secretDigest(linkToken), key);
    return { requestId, code, linkToken, expiresAt };
  }

  /** The live request of this browser (`requestId` from its cookie), without trying a code. */
  requestOf(requestId: string): SignInRequest | null {
    const key = digestIfSecret(requestId);
    const request = key === null ? undefined : this.live(key);
    return request && !request.codeUsed ? request : null;
  }

  /** Tries `typed` against the request of this browser (`requestId` from its cookie). */
  tryCode(requestId: string, typed: string): CodeOutcome {
    const key = digestIfSecret(requestId) ?? "";
    const request = this.live(key);
    if (!request || request.codeUsed) {
      return { ok: false, reason: "no-request", attemptsLeft: 0 };
    }
    if (normalizeCode(typed) === request.code) {
      request.codeUsed = true;
      return { ok: true, userId: request.userId, roomId: request.roomId };
    }
    request.attempts++;
    if (request.attempts >= MAX_CODE_ATTEMPTS) {
      this.byRequest.delete(key);
      return { ok: false, reason: "closed" };
    }
    return { ok: false, reason: "wrong", attemptsLeft: MAX_CODE_ATTEMPTS - request.attempts };
  }

  /** Who a link signs in, without using it (the link page asks before it signs in). */
  peekLink(linkToken: string): SignInRequest | null {
    const request = this.requestOfLink(linkToken);
    return request && !request.linkUsed ? request : null;
  }

  /** Uses the link: its request, once; null when unknown, used or expired. */
  redeemLink(linkToken: string): SignInRequest | null {
    const request = this.peekLink(linkToken);
    if (!request) return null;
    request.linkUsed = true;
    return request;
  }

  private requestOfLink(linkToken: string): SignInRequest | null {
    const link = digestIfSecret(linkToken);
    const key = link === null ? undefined : this.byLink.get(link);
    return key === undefined ? null : (this.live(key) ?? null);
  }

  private live(key: string): SignInRequest | undefined {
    const request = this.byRequest.get(key);
    if (!request) return undefined;
    if (request.expiresAt <= this.now() || (request.codeUsed && request.linkUsed)) {
      this.byRequest.delete(key);
      return undefined;
    }
    return request;
  }

  /** Links of requests that expired, were dropped for room or were used up. */
  private dropDeadLinks(): void {
    dropExpired(this.byRequest, this.now());
    for (const [link, key] of this.byLink) if (!this.byRequest.has(key)) this.byLink.delete(link);
  }
}
