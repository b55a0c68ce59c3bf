import ipaddr from "ipaddr.js";
import { CONTROL_CHARS, quote, type Validation } from "./result";

/** Options for {@link validateWidgetUrl}. */
export interface WidgetUrlOptions {
  /**
   * Refuse hosts that name this machine or a private network: `localhost`, loopback, private,
   * link-local (cloud metadata), CGNAT, unspecified, multicast and reserved IPv4/IPv6 literals,
   * including IPv4-mapped IPv6 and the decimal, hex and octal spellings of IPv4 (WHATWG URL
   * parsing turns those into dotted form first). DNS names are not resolved: a public name that
   * points at a private address passes, so anything that fetches the URL must check again.
   * Default `false` (the local development stack serves widgets from loopback).
   */
  refusePrivateAddresses?: boolean;
  /** Longest accepted input, in characters. Default 2048. */
  maxLength?: number;
}

/** Default maximum URL length, in characters. */
export const MAX_WIDGET_URL_LENGTH = 2048;

const SCHEME = /^([^:/?#]*):/;
const HTTP_START = /^https?:\/\//i;

/** IPv4 ranges (ipaddr.js names) that are public and so allowed. */
const PUBLIC_V4 = new Set(["unicast", "amt", "as112"]);
/** IPv6 ranges (ipaddr.js names) that are public and so allowed. */
const PUBLIC_V6 = new Set([
  "unicast",
  "amt",
  "as112v6",
  "orchid2",
  "droneRemoteIdProtocolEntityTags",
]);

/**
 * Checks a URL that a widget will load: http or https only, with a host and no credentials.
 *
 * Refused: other schemes (`javascript:`, `data:`, `vbscript:`, `file:` in any letter case),
 * percent- or entity-encoded schemes, protocol-relative `//host` URLs, backslashes, whitespace
 * or control characters anywhere, `user:pass@` credentials, a missing host, and inputs longer
 * than `maxLength`. `$` is allowed anywhere after the host so that template variables such as
 * `$matrix_room_id` survive.
 *
 * @returns the WHATWG-normalised URL string (lower-case scheme and host, punycode, dotted IPv4),
 *   or a reason naming the problem and how to fix it.
 */
export function validateWidgetUrl(input: string, opts: WidgetUrlOptions = {}): Validation<string> {
  const maxLength = opts.maxLength ?? MAX_WIDGET_URL_LENGTH;
  if (typeof input !== "string") {
    return refuse(`The widget URL must be text, not ${input === null ? "null" : typeof input}.`);
  }
  if (input.length === 0) return refuse("The widget URL is empty; give a full https:// address.");
  if (input.length > maxLength) {
    return refuse(
      `The widget URL is ${input.length} characters long; the limit is ${maxLength}. Use a shorter address.`,
    );
  }
  if (CONTROL_CHARS.test(input)) {
    return refuse("The widget URL contains control characters; remove them.");
  }
  if (input !== input.trim()) {
    return refuse("The widget URL starts or ends with whitespace; remove it.");
  }
  if (/\s/u.test(input)) {
    return refuse("The widget URL contains whitespace; write spaces as %20.");
  }
  if (input.includes("\\")) {
    return refuse("The widget URL contains a backslash; use forward slashes only.");
  }
  if (input.startsWith("//")) {
    return refuse(
      "The widget URL is protocol-relative (starts with //); write the scheme, e.g. https://.",
    );
  }
  const schemeProblem = checkScheme(input);
  if (schemeProblem !== undefined) return refuse(schemeProblem);

  const authority = authorityOf(input);
  if (authority === "") return refuse("The widget URL has no host; write https://host/path.");
  if (authority.includes("@")) {
    return refuse(
      "The widget URL contains credentials (user:password@); remove them, widgets must not carry passwords.",
    );
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse(`The widget URL ${quote(input)} is not a valid URL; check the host and port.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse("Only http:// and https:// widget URLs are allowed.");
  }
  if (url.hostname === "") return refuse("The widget URL has no host; write https://host/path.");
  if (opts.refusePrivateAddresses === true) {
    const privateReason = privateHostReason(url.hostname);
    if (privateReason !== undefined) return refuse(privateReason);
  }
  return { ok: true, value: url.href };
}

/**
 * Checks a bare host name with an optional port, such as `meet.example.org` or
 * `localhost:8443` — not a URL (no scheme, path, credentials, query or fragment).
 *
 * @returns the lower-case host (punycode for international names), or a reason.
 */
export function validateHost(input: string): Validation<string> {
  if (typeof input !== "string" || input.trim() === "") {
    return refuse("The host is empty; give a name such as meet.example.org.");
  }
  if (input !== input.trim() || /[\s\p{Cc}]/u.test(input)) {
    return refuse("The host contains whitespace or control characters; remove them.");
  }
  if (/[/?#@\\]/.test(input) || input.includes("://")) {
    return refuse(
      `The host ${quote(input)} looks like a URL; give only the name (and port), e.g. meet.example.org.`,
    );
  }
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(input);
  const hostPart = match?.[1];
  const port = match?.[2];
  if (match === null || hostPart === undefined || hostPart === "") {
    return refuse(`The host ${quote(input)} is not a valid host name (and optional :port).`);
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return refuse(`The host ${quote(input)} has port ${port}; ports go from 1 to 65535.`);
  }
  let hostname: string;
  try {
    hostname = new URL(`https://${hostPart}/`).hostname;
  } catch {
    return refuse(`The host ${quote(input)} is not a valid host name.`);
  }
  return { ok: true, value: port === undefined ? hostname : `${hostname}:${Number(port)}` };
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Explains why the scheme is refused, or returns undefined when it is http or https. */
function checkScheme(input: string): string | undefined {
  if (HTTP_START.test(input)) return undefined;
  const colon = input.indexOf(":");
  const prefix = colon > 0 ? input.slice(0, colon) : "";
  if (/[%&;]/.test(prefix) && !prefix.includes("/")) {
    return "The widget URL's scheme is percent- or entity-encoded, which hides what it is; write https:// plainly.";
  }
  const match = SCHEME.exec(input);
  const scheme = match?.[1];
  if (scheme === undefined || scheme === "") {
    return "The widget URL has no scheme; write it in full, starting with https://.";
  }
  if (/^[a-z][a-z0-9+.-]*$/i.test(scheme)) {
    const lower = scheme.toLowerCase();
    if (lower === "http" || lower === "https") {
      return "The widget URL must have // after the scheme; write https://host/path.";
    }
    return `The widget URL uses the ${lower}: scheme; only http:// and https:// are allowed.`;
  }
  return "The widget URL has no valid scheme; write it in full, starting with https://.";
}

/** The raw authority (between `scheme://` and the next `/`, `?` or `#`) as typed. */
function authorityOf(input: string): string {
  const rest = input.replace(HTTP_START, "");
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** Returns a reason when the (WHATWG-normalised) host names a private or local place. */
function privateHostReason(hostname: string): string | undefined {
  const host = hostname.replace(/\.$/, "");
  const fix = "use a public address for widgets.";
  if (host === "localhost" || host.endsWith(".localhost")) {
    return `The widget URL points at localhost; ${fix}`;
  }
  const literal = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const found = nonPublicAddress(literal);
  if (!found) return undefined;
  return `The widget URL points at ${found.address}, ${found.description}; ${fix}`;
}

/**
 * When `literal` is an IP address (v4, v6, v4-mapped v6) outside the public unicast ranges
 * (loopback, private, link-local, unique-local, CGNAT, multicast, reserved…): the address and
 * what kind it is. Undefined for a public address or anything that is not an IP literal.
 */
export function nonPublicAddress(
  literal: string,
): { address: string; range: string; description: string } | undefined {
  if (!ipaddr.isValid(literal)) return undefined;
  let addr = ipaddr.parse(literal);
  if (addr.kind() === "ipv6") {
    const v6 = addr as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) addr = v6.toIPv4Address();
  }
  const range = addr.range();
  const allowed = addr.kind() === "ipv4" ? PUBLIC_V4 : PUBLIC_V6;
  if (allowed.has(range)) return undefined;
  return { address: addr.toString(), range, description: describeRange(range) };
}

function describeRange(range: string): string {
  const names: Record<string, string> = {
    private: "a private-network address",
    loopback: "a loopback address",
    linkLocal: "a link-local address",
    unspecified: "an unspecified address",
    carrierGradeNat: "a carrier-grade NAT address",
    uniqueLocal: "a unique-local address",
    multicast: "a multicast address",
    broadcast: "the broadcast address",
  };
  return Object.hasOwn(names, range) ? (names[range] as string) : `a reserved address (${range})`;
}
