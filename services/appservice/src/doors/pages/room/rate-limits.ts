/**
 * The sign-in DMs' rate limits: per target Matrix ID, per requesting address, and in total.
 * Each is decided before anything is looked up, on the typed ID as it is, so a refusal says
 * nothing about whether the ID exists or shares a room with the bot.
 */

/** Fixed windows: how many events per key within `windowMs`. */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may go again, or 0 when it may now. */
  waitFor(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limit) return 0;
    return Math.max(1, (recent[0] ?? 0) + this.windowMs - this.now());
  }

  add(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.hits.set(key, recent);
    if (this.hits.size > 50_000) this.sweep();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.hits.get(key) ?? []).filter((t) => t > since);
  }

  private sweep(): void {
    for (const key of [...this.hits.keys()]) {
      if (this.recent(key).length === 0) this.hits.delete(key);
    }
  }
}

export interface SignInLimits {
  /** Requests for one Matrix ID per 15 minutes. */
  perTarget: number;
  /** Requests from one address per 15 minutes. */
  perAddress: number;
  /** Requests in total per hour. */
  total: number;
}

export type LimitRefusal = { scope: "target" | "address" | "total"; retryAfterMs: number };

/** The three limits together. */
export class SignInLimiter {
  private readonly target: WindowCounter;
  private readonly address: WindowCounter;
  private readonly total: WindowCounter;

  constructor(limits: SignInLimits, now: () => number = Date.now) {
    this.target = new WindowCounter(limits.perTarget, 15 * 60_000, now);
    this.address = new WindowCounter(limits.perAddress, 15 * 60_000, now);
    this.total = new WindowCounter(limits.total, 60 * 60_000, now);
  }

  /** Counts a request, or says which limit refuses it (and counts nothing then). */
  take(userId: string, address: string): LimitRefusal | null {
    const checks: Array<[LimitRefusal["scope"], WindowCounter, string]> = [
      ["address", this.address, address],
      ["target", this.target, userId.toLowerCase()],
      ["total", this.total, "all"],
    ];
    for (const [scope, counter, key] of checks) {
      const wait = counter.waitFor(key);
      if (wait > 0) return { scope, retryAfterMs: wait };
    }
    for (const [, counter, key] of checks) counter.add(key);
    return null;
  }
}
