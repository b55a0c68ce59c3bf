/**
 * Short-lived secrets handed to a browser (own-tab tickets, read-only view links, sign-in
 * requests and links): 256 random bits, kept in memory only by their SHA-256 digest, so a heap
 * dump holds nothing usable, and bounded, since each was asked for by a verified person.
 */
import { createHash, randomBytes } from "node:crypto";

/** What {@link newSecret} makes: 43 base64url characters. Anything else is refused unread. */
export const SECRET = /^[A-Za-z0-9_-]{43}$/u;

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The key a secret is kept under. */
export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("base64url");
}

/** The key of a well-formed secret, or null for anything {@link newSecret} could not have made. */
export function digestIfSecret(secret: string): string | null {
  return SECRET.test(secret) ? secretDigest(secret) : null;
}

/**
 * Keeps `value` under `key` in a book of at most `max` entries: expired entries go first, then,
 * while the book is full, the oldest.
 */
export function keepBounded<V extends { expiresAt: number }>(
  book: Map<string, V>,
  key: string,
  value: V,
  max: number,
  now: number,
): void {
  dropExpired(book, now);
  while (book.size >= max) {
    const oldest = book.keys().next().value;
    if (oldest === undefined) break;
    book.delete(oldest);
  }
  book.set(key, value);
}

export function dropExpired<V extends { expiresAt: number }>(
  book: Map<string, V>,
  now: number,
): void {
  for (const [key, v] of book) if (v.expiresAt <= now) book.delete(key);
}
