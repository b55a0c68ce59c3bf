/**
 * When to read a feed next: the interval (default, the feed's own hints, bounds), the backoff
 * after failures (exponential with full jitter above a floor) and `Retry-After`. Pure.
 */
import type { IncomingHttpHeaders } from "node:http";

export interface ScheduleSettings {
  intervalSeconds: number;
  minIntervalSeconds: number;
  maxIntervalSeconds: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
}

/** `Cache-Control: max-age` (or s-maxage) in seconds, when present. */
export function maxAgeSeconds(headers: IncomingHttpHeaders): number | null {
  const cc = String(headers["cache-control"] ?? "");
  const match = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)/i.exec(cc);
  return match ? Number(match[1]) : null;
}

/**
 * The interval after a good read, seconds: the default, or longer when the feed asks for it
 * (RSS ttl, sy:updatePeriod, Cache-Control), within the configured bounds.
 */
export function intervalSeconds(s: ScheduleSettings, hints: Array<number | null>): number {
  const asked = Math.max(0, ...hints.filter((h): h is number => h !== null && Number.isFinite(h)));
  const wanted = Math.max(s.intervalSeconds, asked);
  return Math.min(s.maxIntervalSeconds, Math.max(s.minIntervalSeconds, wanted));
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), when present and sane. */
export function retryAfterSeconds(headers: IncomingHttpHeaders, now: number): number | null {
  const value = headers["retry-after"];
  if (typeof value !== "string" || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.round((at - now) / 1000)) : null;
}

/**
 * Delay after the `failures`-th failure in a row, seconds: the base, plus a random share
 * ("full jitter") of an exponentially growing window, capped; never shorter than Retry-After.
 */
export function backoffSeconds(
  s: ScheduleSettings,
  failures: number,
  retryAfter: number | null,
  random: () => number = Math.random,
): number {
  const window = Math.min(
    s.backoffMaxSeconds,
    s.backoffBaseSeconds * 2 ** Math.min(failures - 1, 30),
  );
  const jittered = Math.min(s.backoffMaxSeconds, s.backoffBaseSeconds + random() * window);
  return Math.min(s.backoffMaxSeconds, Math.max(jittered, retryAfter ?? 0));
}
