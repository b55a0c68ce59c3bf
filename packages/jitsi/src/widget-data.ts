import { randomInt } from "node:crypto";
import { jitsiConferenceId, validateHost, type JitsiWidgetFields } from "@atrium/widgets";
import { JitsiInputError } from "./errors";

/**
 * How the Jitsi deployment admits people.
 * - `openidtoken-jwt`: Element's Matrix flow (Prosody `AUTH_TYPE=matrix` checks OpenID tokens).
 * - `jwt`: Prosody `AUTH_TYPE=jwt`; Atrium mints HS256 tokens ({@link mintJitsiJwt}).
 * - `none`: anonymous conferences.
 */
export type JitsiAuthMode = "openidtoken-jwt" | "jwt" | "none";

const AUTH_MODES: ReadonlySet<string> = new Set<JitsiAuthMode>(["openidtoken-jwt", "jwt", "none"]);
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";

/** Options for {@link jitsiWidgetData}. */
export interface JitsiWidgetDataOptions {
  /** Jitsi host name, optionally with a port (`meet.example.org`), not a URL. */
  domain: string;
  /** The Matrix room the conference belongs to. */
  roomId: string;
  /** The room's display name; Jitsi shows it as the conference subject. */
  roomName: string;
  auth: JitsiAuthMode;
  /** Start without video. Default false. */
  isAudioOnly?: boolean;
}

/**
 * The `data` of a Jitsi widget, compatible with Element's own Jitsi widgets.
 *
 * - With either auth mode the conference id is {@link jitsiConferenceId}(roomId), the name
 *   Prosody's Matrix module requires; without auth it is a random `Jitsi` + 1 upper-case +
 *   23 lower-case letters id, like Element's.
 * - `startWithAudioMuted` is always true: Atrium's rule is that everyone joins muted.
 * - `auth: "openidtoken-jwt"` is set only in that mode (Element then fetches an OpenID token).
 * - `startWithVideoMuted` and `isVideoChannel` are false, so every variable of Element's
 *   wrapper URL template has a value.
 *
 * @throws JitsiInputError when the domain is not a bare host, the room id or name is
 *   unusable, or the auth mode is unknown.
 */
export function jitsiWidgetData(opts: JitsiWidgetDataOptions): JitsiWidgetFields {
  const domain = validateHost(opts.domain);
  if (!domain.ok) throw new JitsiInputError(`jitsiWidgetData: domain: ${domain.reason}`);
  if (!AUTH_MODES.has(opts.auth)) {
    throw new JitsiInputError(
      `jitsiWidgetData: auth ${JSON.stringify(opts.auth)} must be "openidtoken-jwt", "jwt" or "none".`,
    );
  }
  if (typeof opts.roomName !== "string" || opts.roomName.trim() === "") {
    throw new JitsiInputError("jitsiWidgetData: roomName must be a non-empty string.");
  }
  if (opts.isAudioOnly !== undefined && typeof opts.isAudioOnly !== "boolean") {
    throw new JitsiInputError("jitsiWidgetData: isAudioOnly must be true, false or left out.");
  }
  let roomConferenceId: string;
  try {
    roomConferenceId = jitsiConferenceId(opts.roomId);
  } catch (err: unknown) {
    throw new JitsiInputError(`jitsiWidgetData: roomId: ${(err as Error).message}`);
  }
  const fields: JitsiWidgetFields = {
    domain: domain.value,
    conferenceId: opts.auth === "none" ? randomConferenceId() : roomConferenceId,
    isAudioOnly: opts.isAudioOnly ?? false,
    roomName: opts.roomName.trim(),
    startWithAudioMuted: true,
    startWithVideoMuted: false,
    isVideoChannel: false,
  };
  if (opts.auth === "openidtoken-jwt") fields.auth = "openidtoken-jwt";
  return fields;
}

/** Element's id for conferences without auth: "Jitsi" + 1 upper-case + 23 lower-case letters. */
export function randomConferenceId(): string {
  let id = `Jitsi${UPPER[randomInt(UPPER.length)]}`;
  for (let i = 0; i < 23; i++) id += LOWER[randomInt(LOWER.length)];
  return id;
}
