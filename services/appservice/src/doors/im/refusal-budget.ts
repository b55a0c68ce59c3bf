/**
 * Refused IM requests per token (issue 22 item 6). Confirming a refusal asks the homeserver
 * (two small reads), and any token holder can ask about any room the bot is in: past
 * {@link REFUSALS_PER_MINUTE} refusals in a minute, a token's room requests are answered 429
 * without asking anyone until the minute is over. Kept by SHA-256 of the token, in memory.
 */
import { AccessError } from "../../matrix/access-error";
import { secretDigest } from "../../util/secrets";

/** Refusals a token may collect per minute; a person in a client needs a handful at most. */
export const REFUSALS_PER_MINUTE = 10;
/** Tokens tracked at once; past this the oldest windows are dropped. */
const MAX_TRACKED = 10_000;
const WINDOW_MS = 60_000;

export class RefusalBudget {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute = REFUSALS_PER_MINUTE,
    private readonly now: () => number = Date.now,
  ) {}

  private key(token: string): string {
    return secretDigest(token);
  }

  private window(token: string): { start: number; count: number } | undefined {
    const key = this.key(token);
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= WINDOW_MS) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  /** Throws 429 `M_LIMIT_EXCEEDED` when `token` used up its refusals for this minute. */
  check(token: string): void {
    const w = this.window(token);
    if (w && w.count >= this.perMinute) {
      throw new AccessError(
        429,
        "M_LIMIT_EXCEEDED",
        "Too many refused requests with this integration manager session; wait a minute and try again.",
      );
    }
  }

  /** Counts one refusal against `token`. */
  spend(token: string): void {
    const w = this.window(token);
    if (w) {
      w.count++;
      return;
    }
    while (this.windows.size >= MAX_TRACKED) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
    this.windows.set(this.key(token), { start: this.now(), count: 1 });
  }
}
