/** A Matrix API error response as a typed error. */
export class MatrixError extends Error {
  /** HTTP status, e.g. 403. */
  readonly status: number;
  /** Matrix error code, e.g. `M_FORBIDDEN` (`M_UNKNOWN` when the body had none). */
  readonly errcode: string;
  /** The server's human-readable message. */
  readonly error: string;
  /** From `retry_after_ms` on `M_LIMIT_EXCEEDED`. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, body: unknown, what: string) {
    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const errcode = typeof b.errcode === "string" ? b.errcode : "M_UNKNOWN";
    const error = typeof b.error === "string" ? b.error : JSON.stringify(body);
    super(`${what}: ${status} ${errcode}: ${error}`);
    this.name = "MatrixError";
    this.status = status;
    this.errcode = errcode;
    this.error = error;
    this.retryAfterMs = typeof b.retry_after_ms === "number" ? b.retry_after_ms : undefined;
  }
}
