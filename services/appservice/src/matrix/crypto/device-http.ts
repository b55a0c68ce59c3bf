/**
 * Requests as the bot's device: the appservice's as_token, `user_id` (the bot, masqueraded) and
 * `device_id` (its MSC4190 device) on every call. Never `/login`, so it works with MAS too.
 */
import { withRetry } from "../../util/retry";

/** A homeserver's refusal or failure, with what the Matrix error said. */
export class HomeserverError extends Error {
  override name = "HomeserverError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errcode: string | undefined,
    readonly body: { error?: unknown; retry_after_ms?: unknown } | undefined,
  ) {
    super(
      `${method} ${path.split("?")[0]}: HTTP ${status}${errcode ? ` ${errcode}` : ""}${
        typeof body?.error === "string" ? `: ${body.error}` : ""
      }`,
    );
  }

  /** Milliseconds the homeserver asked to wait (M_LIMIT_EXCEEDED), if it did. */
  get retryAfterMs(): number | undefined {
    return typeof this.body?.retry_after_ms === "number" ? this.body.retry_after_ms : undefined;
  }
}

/** Network trouble, a 5xx or a 429: safe to send the same request again. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HomeserverError) return error.status >= 500 || error.status === 429;
  return (
    error instanceof TypeError || (error as { name?: unknown } | null)?.name === "TimeoutError"
  );
}

export interface DeviceRequestOptions {
  query?: Record<string, string>;
  /** Without `device_id` (creating the device: it may not exist yet). Default false. */
  withoutDevice?: boolean;
  /** Abort after this many ms. Default 60 s. */
  timeoutMs?: number;
  /** Attempts for transient failures. Default 4. */
  attempts?: number;
  signal?: AbortSignal;
}

export class DeviceHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly asToken: string,
    readonly userId: string,
    public deviceId: string | null,
  ) {}

  /** Sends one request; JSON in, JSON out; transient failures retried with backoff. */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    opts: DeviceRequestOptions = {},
  ): Promise<T> {
    return withRetry(() => this.once<T>(method, path, body, opts), {
      attempts: opts.attempts ?? 4,
      retryable: (error) => isTransient(error) && !opts.signal?.aborted,
    });
  }

  private async once<T>(
    method: string,
    path: string,
    body: unknown,
    opts: DeviceRequestOptions,
  ): Promise<T> {
    const query = new URLSearchParams({ ...opts.query, user_id: this.userId });
    if (!opts.withoutDevice && this.deviceId) query.set("device_id", this.deviceId);
    const signals = [AbortSignal.timeout(opts.timeoutMs ?? 60_000)];
    if (opts.signal) signals.push(opts.signal);
    const response = await fetch(`${this.baseUrl}${path}?${query.toString()}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.asToken}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      signal: AbortSignal.any(signals),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const err = parsed as { errcode?: unknown; error?: unknown } | undefined;
      throw new HomeserverError(
        method,
        path,
        response.status,
        typeof err?.errcode === "string" ? err.errcode : undefined,
        err,
      );
    }
    return parsed as T;
  }
}
