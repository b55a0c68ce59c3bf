/** One Matrix HTTP call over fetch: JSON in and out, errors as {@link MatrixError}. */
import { MatrixError } from "./matrix-error";
import { sleep } from "./process-utils";

/** A request to a homeserver. */
export interface MatrixRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with its query string, e.g. `/_matrix/client/v3/rooms/!a:b/state`. */
  path: string;
  body?: unknown;
  accessToken?: string;
  /** Appended as `user_id` (an appservice acting as one of its users). */
  asUserId?: string;
}

/**
 * Sends the request and returns the parsed JSON body. Retries `M_LIMIT_EXCEEDED` a few times
 * after the server's `retry_after_ms`; any other non-2xx answer throws {@link MatrixError}.
 */
export async function matrixFetch<T>(baseUrl: string, req: MatrixRequest): Promise<T> {
  const url = new URL(req.path, baseUrl);
  if (req.asUserId) url.searchParams.set("user_id", req.asUserId);
  const what = `${req.method} ${url.pathname}`;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, {
      method: req.method,
      headers: {
        ...(req.accessToken ? { Authorization: `Bearer ${req.accessToken}` } : {}),
        ...(req.body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: text.slice(0, 200) };
    }
    if (res.ok) return body as T;
    const error = new MatrixError(res.status, body, what);
    if (error.errcode === "M_LIMIT_EXCEEDED" && attempt < 5) {
      await sleep(Math.min(error.retryAfterMs ?? 500, 5000));
      continue;
    }
    throw error;
  }
}

/** `encodeURIComponent` for path segments (room ids, user ids, event types). */
export const enc = encodeURIComponent;
