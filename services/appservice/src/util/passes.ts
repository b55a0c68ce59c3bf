/**
 * A background pass over durable work (call removals, pad-session revocations): run now, then
 * every `everyMs`, never two at once. A kick during a pass asks for one more right after it, so
 * work recorded mid-pass is not left for the next tick. `stop()` waits for the running pass.
 */
export class Passes {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    /** One pass; `true` when it left work for another pass right away (a full batch). */
    private readonly pass: (stopped: () => boolean) => Promise<boolean | void>,
    private readonly everyMs: number,
    /** A pass that threw: said here, and the next tick tries again. */
    private readonly failed: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.kick(), this.everyMs);
    this.timer.unref();
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now (or right after the running one); resolves when it is over. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.passes().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      try {
        if ((await this.pass(() => this.stopped)) === true) this.again = true;
      } catch (error: unknown) {
        this.failed(error);
      }
    } while (this.again && !this.stopped);
  }
}
