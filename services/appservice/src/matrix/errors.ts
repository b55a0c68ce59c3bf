/** Helpers over the bot-sdk's MatrixError (errcode, statusCode, retryAfterMs). */

import { errorField } from "../util/error-fields";

export function errcodeOf(error: unknown): string | undefined {
  return errorField(error, "string", "errcode", "body.errcode");
}

export function statusOf(error: unknown): number | undefined {
  return errorField(error, "number", "statusCode", "status");
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
