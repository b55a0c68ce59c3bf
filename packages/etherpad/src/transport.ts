// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- packages that typecheck this one from source (tsconfig paths) see the ambient declaration only through this reference
/// <reference path="./etherpad-lite-client.d.ts" />
/**
 * The one place that talks to `etherpad-lite-client`: adds a per-call timeout that aborts the
 * request, a per-client http/https agent (the library's own choice is module-wide), and maps the
 * library's `{code, message}` errors to typed, key-free errors.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as querystring from "node:querystring";
import { connect, type EtherpadLiteApi } from "etherpad-lite-client";
import {
  EtherpadApiError,
  EtherpadAuthError,
  EtherpadInputError,
  EtherpadUnavailableError,
  scrubSecret,
} from "./errors";

/** Node's default max header size is 16 KiB and the request line counts: stay well below. */
export const MAX_REQUEST_PATH = 12_000;

/** Arguments of one API call; they travel in the query string. */
export type CallArgs = Record<string, string | number>;

export interface TransportOptions {
  url: URL;
  apiKey: string;
  apiVersion: string;
  timeoutMs: number;
}

/** Base URL without credentials, query or trailing slash: safe to show in errors. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

export class Transport {
  readonly baseUrl: string;
  private readonly api: EtherpadLiteApi;
  private readonly agent: http.Agent;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly rootPath: string;

  constructor(opts: TransportOptions) {
    const secure = opts.url.protocol === "https:";
    this.baseUrl = displayUrl(opts.url);
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs;
    this.agent = secure
      ? new https.Agent({ keepAlive: false })
      : new http.Agent({ keepAlive: false });
    this.rootPath = `${opts.url.pathname.replace(/\/+$/, "")}/api/${opts.apiVersion}/`;
    this.api = connect({
      apikey: opts.apiKey,
      host: opts.url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: opts.url.port === "" ? (secure ? 443 : 80) : Number(opts.url.port),
      ssl: secure,
      rootPath: this.rootPath,
      // An explicit protocol and agent make node use them whatever module the library picked.
      protocol: secure ? "https:" : "http:",
      agent: this.agent,
    });
  }

  /** Calls one API function; resolves with Etherpad's `data` (null when it had none). */
  call(apiFunction: string, args: CallArgs = {}): Promise<unknown> {
    // The same encoding the library uses to build its GET path.
    const query = querystring.stringify({ apikey: this.apiKey, ...args });
    const pathLength = this.rootPath.length + apiFunction.length + 1 + query.length;
    if (pathLength > MAX_REQUEST_PATH) {
      return Promise.reject(
        new EtherpadInputError(
          `${apiFunction}: arguments too long (${pathLength} characters URL-encoded, limit ` +
            `${MAX_REQUEST_PATH}); etherpad-lite-client sends them in a GET query string`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const controller = new AbortController();
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        controller.abort();
        reject(this.unavailable(apiFunction, `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      // The library passes api.options straight to http.get, synchronously: a per-call signal
      // set here reaches exactly this request.
      this.api.options.signal = controller.signal;
      this.api.call(apiFunction, args, (err, data) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err === null) resolve(unwrapData(data));
        else reject(this.toError(apiFunction, err.code, err.message));
      });
      delete this.api.options.signal;
    });
  }

  private unavailable(apiFunction: string, detail: string): EtherpadUnavailableError {
    return new EtherpadUnavailableError(
      this.baseUrl,
      apiFunction,
      scrubSecret(detail, this.apiKey),
    );
  }

  private toError(apiFunction: string, code: number | undefined, message: string | undefined) {
    const text = scrubSecret(String(message ?? "no message"), this.apiKey);
    if (code === -1 && text === "cannot parse the API response") {
      return this.unavailable(apiFunction, "the answer was not Etherpad API JSON");
    }
    if (code === undefined) {
      return this.unavailable(apiFunction, "the answer had no Etherpad API code");
    }
    if (code === -1) return this.unavailable(apiFunction, text);
    if (code === 4) return new EtherpadAuthError(apiFunction);
    return new EtherpadApiError(apiFunction, code, text);
  }
}

/** The library hands back the whole `{code, message, data}` answer when `data` is falsy. */
function unwrapData(data: unknown): unknown {
  if (
    typeof data === "object" &&
    data !== null &&
    (data as { code?: unknown }).code === 0 &&
    (data as { message?: unknown }).message === "ok" &&
    "data" in data
  ) {
    return (data as { data: unknown }).data;
  }
  return data;
}
