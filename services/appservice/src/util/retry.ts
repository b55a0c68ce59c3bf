/** Retries with exponential backoff where it is safe; honours the homeserver's retry_after_ms. */
import { errorField } from "./error-fields";

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Whether this error may be retried (default: never). */
  retryable?: (error: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The delay an error asks for (Matrix M_LIMIT_EXCEEDED's retry_after_ms), if any. */
export function retryAfterMs(error: unknown): number | undefined {
  return errorField(error, "number", "retryAfterMs", "body.retry_after_ms");
}

/**
 * Exponential backoff, the one formula of every retry in Atrium: `baseMs` before the first
 * retry (`retry` 1; 0 counts as 1), doubling after each, never above `maxMs`.
 */
export function backoffMs(retry: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error: unknown) {
      const asked = retryAfterMs(error);
      const mayRetry = asked !== undefined || (options.retryable?.(error) ?? false);
      if (!mayRetry || attempt >= attempts) throw error;
      await sleep(Math.min(max, asked ?? backoffMs(attempt, base, max)));
    }
  }
}
