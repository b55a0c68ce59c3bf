/**
 * What start() has opened, closed in reverse order: by stop(), and by start() itself when a
 * later step fails, so a failed start never leaves a port, the store or the instance lock held.
 */
export class Closers {
  private readonly steps: Array<() => unknown> = [];

  /** `close` runs before everything added earlier. */
  add(close: () => unknown): void {
    this.steps.push(close);
  }

  async closeAll(): Promise<void> {
    while (this.steps.length) await this.steps.pop()?.();
  }

  /** Runs `open`; if it throws, closes what is open so far and rethrows. */
  async guard<T>(open: () => Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (error: unknown) {
      await this.closeAll();
      throw error;
    }
  }
}
