/** Helpers over the bot-sdk's MatrixError (errcode, statusCode, retryAfterMs). */

export function errcodeOf(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { errcode?: unknown; body?: { errcode?: unknown } };
  if (typeof e.errcode === "string") return e.errcode;
  if (typeof e.body?.errcode === "string") return e.body.errcode;
  return undefined;
}

export function statusOf(error: unknown): number | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { statusCode?: unknown; status?: unknown };
  if (typeof e.statusCode === "number") return e.statusCode;
  if (typeof e.status === "number") return e.status;
  return undefined;
}

/** Network trouble or a 5xx: safe to retry for idempotent calls. */
export function isTransientMatrixError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EPIPE)$/.test(code)
  );
}

/** A message safe to show in a room: never a token or a URL with a query. */
export function describeMatrixError(error: unknown): string {
  const code = errcodeOf(error);
  const status = statusOf(error);
  const msg = (error as { body?: { error?: unknown } } | null)?.body?.error;
  if (code) return `${code}${typeof msg === "string" ? `: ${msg}` : ""}`;
  if (status) return `HTTP ${status}`;
  return "the homeserver could not be reached";
}
