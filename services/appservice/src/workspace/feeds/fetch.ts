/**
 * Fetches one feed document safely: http(s) only; every hop's address checked at connect time
 * (address-guard.ts); redirects followed by hand (each hop checked again, at most
 * `maxRedirects`); one deadline for the whole chain (a slow drip is cut); the body counted
 * after decompression (a gzip bomb stops at `maxBytes`); conditional GET headers sent.
 */
import * as http from "node:http";
import * as https from "node:https";
import { isIP } from "node:net";
import { AllowList, BlockedAddressError, checkAddress, guardedLookup } from "./address-guard";
import { BLOCKED_PROBLEM, FeedFetchError, networkError, timedOut, tooLarge } from "./fetch-errors";
import { readBody } from "./read-body";

export {
  BLOCKED_PROBLEM,
  connectionProblem,
  FeedFetchError,
  type FetchFailure,
} from "./fetch-errors";

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
