/**
 * How a feed fetch fails: {@link FeedFetchError} and its kinds, with the words rooms are shown
 * (never an address a host resolved to). Moved from fetch.ts (issue 24).
 */

export type FetchFailure =
  "blocked" | "scheme" | "timeout" | "too-large" | "redirects" | "network" | "encoding";

/**
 * A fetch that did not produce an HTTP answer; `kind` is the metric label. The message is shown
 * in rooms, so it never names an address a host resolved to, nor a redirect target; `detail`
 * (the underlying error) is for the logs only.
 */
export class FeedFetchError extends Error {
  constructor(
    readonly kind: FetchFailure,
    message: string,
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = "FeedFetchError";
  }
}

/** What a room is told about a refused address (the address itself is only logged). */
export const BLOCKED_PROBLEM =
  "its address is on a private or local network, which feeds may not reach";

/** What a connection error means, in words without its addresses. */
export function connectionProblem(error: Error & { code?: string }): string {
  const code = error.code ?? "";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENODATA")
    return "the host name could not be resolved";
  if (code === "ECONNREFUSED") return "the server refused the connection";
  if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up/i.test(error.message))
    return "the connection was cut";
  if (code === "ETIMEDOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return "the server could not be reached";
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code))
    return "the server's TLS certificate was not accepted";
  if (code.startsWith("HPE_")) return "the server's answer was not valid HTTP";
  if (code.startsWith("Z_")) return "the compressed answer was damaged";
  return "the connection failed";
}

/** A connection error as a fetch failure. */
export function networkError(error: Error & { code?: string }): FeedFetchError {
  return new FeedFetchError("network", connectionProblem(error), error.message);
}

/** The body outgrew `max` bytes. */
export function tooLarge(max: number): FeedFetchError {
  return new FeedFetchError(
    "too-large",
    `the feed is larger than ${max} bytes (after decompression)`,
  );
}

/** The whole chain missed its deadline of `ms`. */
export function timedOut(ms: number): FeedFetchError {
  return new FeedFetchError("timeout", `the feed did not arrive within ${ms} ms`);
}
