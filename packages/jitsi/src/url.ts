import { validateHost, validateWidgetUrl } from "@atrium/widgets";
import { JitsiInputError } from "./errors";

/**
 * The fragment of Element's Jitsi wrapper URL. Parameters sit in the fragment so they never
 * reach a server; each `$name` is filled by the client from the widget's `data` and its own
 * template variables (REFERENCE.md §2, `getLocalJitsiWrapperUrl`).
 */
const WRAPPER_FRAGMENT = [
  "conferenceDomain=$domain",
  "conferenceId=$conferenceId",
  "isAudioOnly=$isAudioOnly",
  "startWithAudioMuted=$startWithAudioMuted",
  "startWithVideoMuted=$startWithVideoMuted",
  "isVideoChannel=$isVideoChannel",
  "displayName=$matrix_display_name",
  "avatarUrl=$matrix_avatar_url",
  "userId=$matrix_user_id",
  "roomId=$matrix_room_id",
  "theme=$theme",
  "roomName=$roomName",
  "supportsScreensharing=true",
  "language=$org.matrix.msc2873.client_language",
].join("&");

/**
 * Element's Jitsi wrapper template URL, as Element itself writes into Jitsi widgets:
 * `https://<element>/jitsi.html?confId=$conferenceId#conferenceDomain=$domain&…`, with
 * `&auth=$auth` appended when the deployment uses `openidtoken-jwt`.
 *
 * @param elementOrigin Element Web's host (`app.example.org`, https assumed) or its base URL
 *   (`https://example.org/element/`; a path is kept so `jitsi.html` sits beside Element).
 * @throws JitsiInputError when `elementOrigin` is neither, or carries a query or fragment.
 */
export function elementJitsiWidgetUrl(
  elementOrigin: string,
  opts: { auth?: boolean } = {},
): string {
  const base = elementBase(elementOrigin);
  const auth = opts.auth === true ? "&auth=$auth" : "";
  return `${base}jitsi.html?confId=$conferenceId#${WRAPPER_FRAGMENT}${auth}`;
}

/** Options for {@link conferenceUrl}. */
export interface ConferenceUrlOptions {
  /** Jitsi host name, optionally with a port. */
  domain: string;
  /** The conference (Jitsi room) name. */
  conferenceId: string;
  /** Shown as the conference title (`config.subject`). */
  subject?: string;
  /** A Jitsi JWT (`AUTH_TYPE=jwt`), sent as `?jwt=`. It lands in the browser history: keep it short-lived. */
  jwt?: string;
  /** Join with the microphone off. Default true (Atrium's rule). */
  startWithAudioMuted?: boolean;
  /** Name shown to the other participants (`userInfo.displayName`). */
  displayName?: string;
}

/**
 * A direct Jitsi Meet link for clients other than Element:
 * `https://<domain>/<conferenceId>?jwt=…#config.startWithAudioMuted=true&config.subject=%22…%22`.
 * Jitsi reads fragment parameters as URL-encoded JSON values, so strings are JSON-quoted
 * before encoding and booleans are bare `true`/`false`.
 *
 * @throws JitsiInputError when the domain is not a bare host, the conference id is empty or
 *   has characters other than letters, digits, `-`, `_` and `.`, or the JWT is not a compact JWS.
 */
export function conferenceUrl(opts: ConferenceUrlOptions): string {
  const domain = validateHost(opts.domain);
  if (!domain.ok) throw new JitsiInputError(`conferenceUrl: domain: ${domain.reason}`);
  if (typeof opts.conferenceId !== "string" || !/^[A-Za-z0-9_.-]{1,512}$/.test(opts.conferenceId)) {
    throw new JitsiInputError(
      "conferenceUrl: conferenceId must be 1–512 letters, digits, -, _ or . (use jitsiWidgetData).",
    );
  }
  let url = `https://${domain.value}/${opts.conferenceId}`;
  if (opts.jwt !== undefined) {
    if (typeof opts.jwt !== "string" || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(opts.jwt)) {
      throw new JitsiInputError(
        "conferenceUrl: jwt must be a compact JWT (three base64url parts).",
      );
    }
    url += `?jwt=${opts.jwt}`;
  }
  const muted = opts.startWithAudioMuted ?? true;
  if (typeof muted !== "boolean") {
    throw new JitsiInputError(
      "conferenceUrl: startWithAudioMuted must be true, false or left out.",
    );
  }
  const fragment: Array<[string, boolean | string]> = [["config.startWithAudioMuted", muted]];
  for (const [key, value] of [
    ["config.subject", opts.subject],
    ["userInfo.displayName", opts.displayName],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== "string") throw new JitsiInputError(`conferenceUrl: ${key} must be text.`);
    fragment.push([key, value]);
  }
  const encoded = fragment.map(
    ([key, value]) => `${key}=${encodeURIComponent(JSON.stringify(value))}`,
  );
  return `${url}#${encoded.join("&")}`;
}

function elementBase(elementOrigin: string): string {
  if (typeof elementOrigin === "string" && !elementOrigin.includes("/")) {
    const host = validateHost(elementOrigin);
    if (!host.ok) throw new JitsiInputError(`elementJitsiWidgetUrl: ${host.reason}`);
    return `https://${host.value}/`;
  }
  const url = validateWidgetUrl(elementOrigin);
  if (!url.ok) throw new JitsiInputError(`elementJitsiWidgetUrl: ${url.reason}`);
  const parsed = new URL(url.value);
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new JitsiInputError(
      "elementJitsiWidgetUrl: give Element's origin or base URL without a query or fragment.",
    );
  }
  const path = parsed.pathname.endsWith("/") ? parsed.pathname : `${parsed.pathname}/`;
  return `${parsed.origin}${path}`;
}
