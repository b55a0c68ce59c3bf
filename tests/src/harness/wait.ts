/** Polling with a deadline and a failure message that says what was awaited and what was seen. */
import { sleep } from "./process-utils";

/**
 * Calls `probe` every `intervalMs` until it returns something other than `undefined`, and
 * returns that. After `timeoutMs`, throws "timed out after N ms waiting for <what>", with the
 * last value `describeLast` reported (or the last error the probe threw).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; describeLast?: () => string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = null;
    } catch (err: unknown) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const last = lastError ? `last error: ${String(lastError)}` : opts.describeLast?.();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `; ${last}` : ""}`,
      );
    }
    await sleep(opts.intervalMs ?? 200);
  }
}
