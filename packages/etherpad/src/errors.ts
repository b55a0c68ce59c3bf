/** Typed errors of the Etherpad client. None of them ever carries the API key. */

/** What went wrong, for callers that switch on it. */
export type EtherpadErrorKind = "unavailable" | "api" | "auth" | "input" | "version";

/** Base class of every error thrown by `@atrium/etherpad`. */
export class EtherpadError extends Error {
  /** Which kind of failure this is. */
  readonly kind: EtherpadErrorKind;
  /** True when the same call may succeed later without any change (network, timeout). */
  readonly retryable: boolean;

  constructor(kind: EtherpadErrorKind, message: string, retryable = false) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.retryable = retryable;
  }
}

/** Etherpad could not be reached: connection refused, DNS failure, timeout, non-API answer. */
export class EtherpadUnavailableError extends EtherpadError {
  /** The Etherpad base URL that was called (never with the key). */
  readonly url: string;
  /** The API function that was being called, e.g. `getText`. */
  readonly apiFunction: string;

  constructor(url: string, apiFunction: string, detail: string) {
    super(
      "unavailable",
      `Etherpad at ${url} did not answer ${apiFunction} (${detail}); Etherpad may be down ` +
        "or etherpad.url may be wrong",
      true,
    );
    this.url = url;
    this.apiFunction = apiFunction;
  }
}

/** Etherpad answered with code 1 (wrong parameters), 2 (internal error) or 3 (no such function). */
export class EtherpadApiError extends EtherpadError {
  /** Etherpad's code: 1, 2 or 3; -1 when the answer did not have the expected shape. */
  readonly code: number;
  /** Etherpad's own message, e.g. `padID does not exist`. */
  readonly etherpadMessage: string;
  /** The API function that was called. */
  readonly apiFunction: string;

  constructor(apiFunction: string, code: number, etherpadMessage: string) {
    super("api", `Etherpad ${apiFunction} failed with code ${code}: ${etherpadMessage}`);
    this.code = code;
    this.etherpadMessage = etherpadMessage;
    this.apiFunction = apiFunction;
  }
}

/** Etherpad answered code 4: the API key is wrong. */
export class EtherpadAuthError extends EtherpadError {
  readonly code = 4;
  /** The API function that was called. */
  readonly apiFunction: string;

  constructor(apiFunction: string) {
    super(
      "auth",
      `Etherpad refused the API key on ${apiFunction}; check etherpad.apiKey matches APIKEY.txt`,
    );
    this.apiFunction = apiFunction;
  }
}

/** The caller passed a value the client refuses before sending anything. */
export class EtherpadInputError extends EtherpadError {
  constructor(message: string) {
    super("input", message);
  }
}

/** Etherpad's API is older than the version this client speaks. */
export class EtherpadVersionError extends EtherpadError {
  readonly currentVersion: string;
  readonly requiredVersion: string;

  constructor(url: string, currentVersion: string, requiredVersion: string) {
    super(
      "version",
      `Etherpad at ${url} speaks API ${currentVersion}, older than the ${requiredVersion} ` +
        "Atrium needs; upgrade Etherpad or lower etherpad.apiVersion",
    );
    this.currentVersion = currentVersion;
    this.requiredVersion = requiredVersion;
  }
}

/**
 * Removes every form of `secret` (raw, URL-encoded, form-encoded) from `text`.
 * Used on anything the library or node's http hands back before it goes into an error.
 */
export function scrubSecret(text: string, secret: string): string {
  if (secret === "") return text.replace(/\b(api_?key)=[^&\s"']*/gi, "$1=[redacted]");
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, "+"),
  ]);
  let out = text;
  for (const form of forms) out = out.split(form).join("[redacted]");
  // Any key-looking query parameter, whatever its value (a URL the library built, say).
  return out.replace(/\b(api_?key)=[^&\s"']*/gi, "$1=[redacted]");
}
