import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { validateHost } from "@atrium/widgets";
import { JitsiInputError } from "./errors";

/** Shortest accepted HS256 secret, in bytes (the HMAC-SHA-256 output size). */
export const MIN_SECRET_BYTES = 32;
/** Default token lifetime: long enough to load the page and join. */
export const DEFAULT_TTL_SECONDS = 300;
/** Longest token lifetime accepted. */
export const MAX_TTL_SECONDS = 3600;

/** The `context.user` of an Atrium Jitsi token. */
export interface JitsiJwtUser {
  id: string;
  name: string;
  avatar?: string;
  /**
   * `"true"` or `"false"`: a string, because Jitsi's tokens.md types every `context.user` field
   * as a string (and JaaS tokens send `"moderator": "true"`).
   */
  moderator: "true" | "false";
}

/** The claims of an Atrium Jitsi token. */
export interface JitsiJwtClaims {
  iss: string;
  aud: string;
  sub: string;
  room: string;
  iat: number;
  nbf: number;
  exp: number;
  context: { user: JitsiJwtUser };
}

/** Options for {@link mintJitsiJwt}. */
export interface MintJitsiJwtOptions {
  /** Prosody's `app_secret` (`JWT_APP_SECRET`), at least 32 bytes. */
  secret: string;
  /** Prosody's `app_id` (`JWT_APP_ID`); the `iss` claim. */
  appId: string;
  /** The `aud` claim (`JWT_ACCEPTED_AUDIENCES`). Default: `appId`. */
  audience?: string;
  /** The Jitsi domain or tenant; the `sub` claim. */
  domain: string;
  /** The conference id the token admits to; `*` (every room) is refused. */
  room: string;
  user: { id: string; name: string; avatar?: string };
  moderator: boolean;
  /** Lifetime in seconds, 1–3600. Default 300. */
  ttlSeconds?: number;
  /** The issue time. Default: now. */
  now?: Date;
}

/**
 * Mints an HS256 Jitsi token (`AUTH_TYPE=jwt`) for one user and one room, with claims `iss`,
 * `aud`, `sub`, `room`, `iat`, `nbf`, `exp` and `context.user {id, name, avatar?, moderator}`.
 *
 * @throws JitsiInputError when the secret is shorter than 32 bytes, the room is empty or `*`,
 *   the lifetime is outside 1–3600 seconds, or another option is missing.
 */
export async function mintJitsiJwt(opts: MintJitsiJwtOptions): Promise<string> {
  const key = secretKey(opts.secret, "mintJitsiJwt");
  const appId = requireText(opts.appId, "appId");
  const audience = opts.audience === undefined ? appId : requireText(opts.audience, "audience");
  const sub = subject(opts.domain, "mintJitsiJwt");
  const room = roomName(opts.room, "mintJitsiJwt");
  if (typeof opts.moderator !== "boolean") {
    throw new JitsiInputError("mintJitsiJwt: moderator must be true or false.");
  }
  if (opts.user === null || typeof opts.user !== "object") {
    throw new JitsiInputError("mintJitsiJwt: user {id, name} is required.");
  }
  const user: JitsiJwtUser = {
    id: requireText(opts.user.id, "user.id"),
    name: requireText(opts.user.name, "user.name"),
    moderator: opts.moderator ? "true" : "false",
  };
  if (opts.user.avatar !== undefined) user.avatar = requireText(opts.user.avatar, "user.avatar");
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
    throw new JitsiInputError(
      `mintJitsiJwt: ttlSeconds must be a whole number from 1 to ${MAX_TTL_SECONDS}; got ${String(ttl)}.`,
    );
  }
  const now = opts.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new JitsiInputError("mintJitsiJwt: now must be a valid Date.");
  }
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ room, context: { user } })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(appId)
    .setAudience(audience)
    .setSubject(sub)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ttl)
    .sign(key);
}

/** Options for {@link verifyJitsiJwt}. */
export interface VerifyJitsiJwtOptions {
  secret: string;
  appId: string;
  /** Expected `aud`. Default: `appId`. */
  audience?: string;
  domain: string;
  /** The conference the token must name (compared case-insensitively, as Prosody lower-cases rooms). */
  room: string;
  /** The time to check against. Default: now. */
  now?: Date;
}

/** Result of {@link verifyJitsiJwt}. */
export type JitsiJwtVerification =
  { ok: true; claims: JitsiJwtClaims } | { ok: false; reason: string };

/**
 * Checks a Jitsi token the way Prosody would, and stricter: HS256 only (so `alg: none` and
 * other algorithms fail), valid signature, `iat`/`nbf`/`exp` present and current, `iss`,
 * `aud` and `sub` as expected, `room` equal to the expected conference and never `*`, and a
 * `context.user` with string `id` and `name`.
 *
 * @throws JitsiInputError only when the options themselves are wrong (short secret, `*` room).
 */
export async function verifyJitsiJwt(
  token: string,
  opts: VerifyJitsiJwtOptions,
): Promise<JitsiJwtVerification> {
  const key = secretKey(opts.secret, "verifyJitsiJwt");
  const appId = requireText(opts.appId, "appId");
  const expectedRoom = roomName(opts.room, "verifyJitsiJwt");
  const sub = subject(opts.domain, "verifyJitsiJwt");
  if (typeof token !== "string" || token === "") return refuse("The token is empty.");
  let payload: JWTPayload;
  try {
    const verified = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: appId,
      audience: opts.audience ?? appId,
      subject: sub,
      requiredClaims: ["iat", "nbf", "exp", "room"],
      ...(opts.now === undefined ? {} : { currentDate: opts.now }),
    });
    payload = verified.payload;
  } catch (err: unknown) {
    return refuse(describeJoseError(err));
  }
  const room = payload.room;
  if (typeof room !== "string" || room === "*") {
    return refuse('The token\'s room claim is "*" or missing; tokens must name one conference.');
  }
  if (room.toLowerCase() !== expectedRoom.toLowerCase()) {
    return refuse(
      `The token is for conference ${JSON.stringify(room)}, not ${JSON.stringify(expectedRoom)}.`,
    );
  }
  const context = payload.context as { user?: Record<string, unknown> } | undefined;
  const user = context?.user;
  if (user === undefined || typeof user.id !== "string" || typeof user.name !== "string") {
    return refuse("The token has no context.user with a string id and name.");
  }
  return { ok: true, claims: payload as unknown as JitsiJwtClaims };
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "The token has expired; mint a new one.";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "nbf") return "The token is not valid yet (nbf is in the future).";
    const names: Record<string, string> = {
      iss: "issuer (iss)",
      aud: "audience (aud)",
      sub: "subject (sub)",
    };
    const name = Object.hasOwn(names, err.claim) ? names[err.claim] : `${err.claim} claim`;
    return `The token's ${name} is wrong or missing: ${err.message}.`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return "The token's algorithm is not allowed; only HS256 tokens are accepted.";
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return "The token's signature does not match; it was not signed with this secret.";
  }
  if (err instanceof errors.JOSEError) return `The token is malformed: ${err.message}.`;
  return `The token could not be checked: ${String(err)}.`;
}

function secretKey(secret: string, where: string): Uint8Array {
  const bytes = typeof secret === "string" ? Buffer.byteLength(secret, "utf8") : 0;
  if (bytes < MIN_SECRET_BYTES) {
    throw new JitsiInputError(
      `${where}: the JWT secret must be at least ${MIN_SECRET_BYTES} bytes; got ${bytes}. Generate one with \`openssl rand -hex 32\`.`,
    );
  }
  return new TextEncoder().encode(secret);
}

function subject(domain: string, where: string): string {
  const host = validateHost(domain);
  if (!host.ok) throw new JitsiInputError(`${where}: domain: ${host.reason}`);
  return host.value;
}

function roomName(room: string, where: string): string {
  if (typeof room !== "string" || room.trim() === "" || room === "*") {
    throw new JitsiInputError(
      `${where}: room must name one conference (not empty, not "*"); pass the conference id.`,
    );
  }
  return room;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new JitsiInputError(`Jitsi JWT: ${name} must be a non-empty string.`);
  }
  return value;
}
