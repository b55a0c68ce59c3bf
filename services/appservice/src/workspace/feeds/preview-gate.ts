/**
 * Bounds on `!feed preview` (and the integration manager's preview), which any member may ask
 * for: a rate per person and room (a token bucket), and a cap on previews running at once over
 * the whole server, with a short queue behind it. A refusal says when to try again.
 */

export interface PreviewLimits {
  /** Previews one person may start per minute in one room (also the burst). */
  perUserPerMinute: number;
  /** Previews running at once, server-wide. */
  concurrency: number;
  /** Previews waiting for a place; more are refused as busy. */
  queue: number;
}

export type Admission =
  { ok: true; release: () => void } | { ok: false; reason: "rate" | "busy"; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Forget a person's bucket once it has been full this long. */
const IDLE_MS = 10 * 60 * 1000;

export class PreviewGate {
  private readonly buckets = new Map<string, Bucket>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limits: PreviewLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one of `userId`'s previews in `roomId`, then waits for a place to run. Call
   * `release` once the preview is done.
   */
  async admit(userId: string, roomId: string): Promise<Admission> {
    const rate = this.take(`${roomId}\u0000${userId}`);
    if (rate > 0) return { ok: false, reason: "rate", retryAfterMs: rate };
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue)
        return { ok: false, reason: "busy", retryAfterMs: 5000 };
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        // The place passes straight to the next in line; `running` stays counted.
        if (next) next();
        else this.running--;
      },
    };
  }

  /** 0 when a token was taken; else the ms until one is there. */
  private take(key: string): number {
    const now = this.now();
    const perMs = this.limits.perUserPerMinute / 60_000;
    const max = this.limits.perUserPerMinute;
    const old = this.buckets.get(key);
    const tokens = old ? Math.min(max, old.tokens + (now - old.at) * perMs) : max;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.ceil((1 - tokens) / perMs);
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > 10_000) this.sweep(now);
    return 0;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (now - b.at > IDLE_MS) this.buckets.delete(key);
  }
}
