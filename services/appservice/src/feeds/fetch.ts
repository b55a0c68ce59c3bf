/**
 * Fetches one feed document safely: http(s) only; every hop's address checked at connect time
 * (address-guard.ts); redirects followed by hand (each hop checked again, at most
 * `maxRedirects`); one deadline for the whole chain (a slow drip is cut); the body counted
 * after decompression (a gzip bomb stops at `maxBytes`); conditional GET headers sent.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";
import { isIP } from "node:net";
import type { Readable } from "node:stream";
import { AllowList, BlockedAddressError, checkAddress, guardedLookup } from "./address-guard";

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

function networkError(error: Error & { code?: string }): FeedFetchError {
  return new FeedFetchError("network", connectionProblem(error), error.message);
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowList: readonly string[];
}

export interface FeedRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
}

export interface FeedResponse {
  /** Final status: 200, 304, or an error status (4xx/5xx) after redirects. */
  status: number;
  /** The URL that answered. */
  url: string;
  /** Where every hop was a permanent redirect (301/308): the final URL; else null. */
  movedTo: string | null;
  headers: http.IncomingHttpHeaders;
  /** The decompressed body of a 200; null otherwise. */
  body: Buffer | null;
}

export interface Fetcher {
  fetch(request: FeedRequest): Promise<FeedResponse>;
}

const USER_AGENT = "Atrium-Feeds/0.1 (Matrix appservice feed reader)";
const ACCEPT =
  "application/feed+json, application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5";

/** Creates the fetcher; `onBlocked` hears every refused address (metrics, logs). */
export function createFetcher(
  limits: FetchLimits,
  onBlocked: (error: BlockedAddressError) => void = () => undefined,
): Fetcher {
  const allow = new AllowList(limits.allowList);
  return {
    async fetch(request) {
      const deadline = AbortSignal.timeout(limits.timeoutMs);
      let url = request.url;
      let permanent = true;
      for (let hop = 0; ; hop++) {
        const response = await fetchOnce(
          url,
          request,
          hop === 0,
          allow,
          limits,
          deadline,
          onBlocked,
        );
        const location = response.location;
        if (location === null) {
          return {
            status: response.status,
            url,
            movedTo: hop > 0 && permanent ? url : null,
            headers: response.headers,
            body: response.body,
          };
        }
        if (hop >= limits.maxRedirects) {
          throw new FeedFetchError(
            "redirects",
            `more than ${limits.maxRedirects} redirects`,
            `last to ${location}`,
          );
        }
        permanent &&= response.status === 301 || response.status === 308;
        url = location;
      }
    },
  };
}

interface Hop {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer | null;
  /** The absolute redirect target of a 3xx with Location; null otherwise. */
  location: string | null;
}

function fetchOnce(
  target: string,
  request: FeedRequest,
  first: boolean,
  allow: AllowList,
  limits: FetchLimits,
  signal: AbortSignal,
  onBlocked: (error: BlockedAddressError) => void,
): Promise<Hop> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new FeedFetchError("scheme", "a redirect led to something not a URL"));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(
      new FeedFetchError("scheme", `only http and https feeds are read, not ${url.protocol}`),
    );
  }
  if (url.username || url.password) {
    return Promise.reject(new FeedFetchError("scheme", "feed URLs with credentials are refused"));
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const blocked = (error: BlockedAddressError) => {
    onBlocked(error);
    // The address stays in the logs (index.ts); a room learns only that it is not public.
    return new FeedFetchError("blocked", BLOCKED_PROBLEM, error.message);
  };
  if (isIP(host)) {
    // No lookup happens for an IP literal, so it is checked here, before any socket exists.
    try {
      checkAddress(host, port, allow);
    } catch (error: unknown) {
      if (error instanceof BlockedAddressError) return Promise.reject(blocked(error));
      throw error;
    }
  }
  const headers: Record<string, string> = {
    "user-agent": USER_AGENT,
    accept: ACCEPT,
    "accept-encoding": "gzip, deflate, br",
  };
  // Validators belong to the subscribed URL; a redirect target gets a plain GET.
  if (first && request.etag) headers["if-none-match"] = request.etag;
  if (first && request.lastModified) headers["if-modified-since"] = request.lastModified;
  const lib = url.protocol === "https:" ? https : http;
  let blockedError: BlockedAddressError | null = null;
  return new Promise<Hop>((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: "GET",
        headers,
        agent: false,
        signal,
        lookup: guardedLookup(port, allow, (e) => {
          blockedError = e;
        }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && status !== 304 && location) {
          res.resume();
          let next: string;
          try {
            next = new URL(location, url).toString();
          } catch {
            reject(
              new FeedFetchError(
                "network",
                "the server redirected to an invalid address",
                location.slice(0, 200),
              ),
            );
            return;
          }
          resolve({ status, headers: res.headers, body: null, location: next });
          return;
        }
        if (status !== 200) {
          res.resume();
          resolve({ status, headers: res.headers, body: null, location: null });
          return;
        }
        const declared = Number(res.headers["content-length"]);
        if (!res.headers["content-encoding"] && declared > limits.maxBytes) {
          res.destroy();
          reject(tooLarge(limits.maxBytes));
          return;
        }
        readBody(res, limits.maxBytes).then(
          (body) => resolve({ status, headers: res.headers, body, location: null }),
          reject,
        );
      },
    );
    req.on("error", (error: Error) => {
      if (blockedError) reject(blocked(blockedError));
      else if (signal.aborted) reject(timedOut(limits.timeoutMs));
      else reject(networkError(error));
    });
    req.end();
  });
}

function tooLarge(max: number): FeedFetchError {
  return new FeedFetchError(
    "too-large",
    `the feed is larger than ${max} bytes (after decompression)`,
  );
}

function timedOut(ms: number): FeedFetchError {
  return new FeedFetchError("timeout", `the feed did not arrive within ${ms} ms`);
}

/** Reads the body through its decompressor, counting decompressed bytes. */
function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = String(res.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  let stream: Readable = res;
  const options = { maxOutputLength: maxBytes + 1 };
  if (encoding === "gzip" || encoding === "x-gzip") stream = res.pipe(zlib.createGunzip(options));
  else if (encoding === "deflate") stream = res.pipe(zlib.createInflate(options));
  else if (encoding === "br") stream = res.pipe(zlib.createBrotliDecompress(options));
  else if (encoding !== "identity" && encoding !== "") {
    res.destroy();
    return Promise.reject(
      new FeedFetchError("encoding", `unsupported Content-Encoding ${encoding}`),
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      res.destroy();
      if (stream !== res) stream.destroy();
      reject(error);
    };
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge(maxBytes));
      else chunks.push(chunk);
    });
    stream.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    stream.on("error", (error: Error & { code?: string }) =>
      fail(
        error.code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength/i.test(error.message)
          ? tooLarge(maxBytes)
          : res.errored && (res.errored as Error).name === "AbortError"
            ? new FeedFetchError("timeout", "the feed did not arrive in time")
            : networkError(error),
      ),
    );
    res.on("error", (error: Error) =>
      fail(
        error.name === "AbortError"
          ? new FeedFetchError("timeout", "the feed did not arrive in time")
          : networkError(error),
      ),
    );
    res.on("aborted", () => fail(new FeedFetchError("network", "the connection was cut")));
  });
}
