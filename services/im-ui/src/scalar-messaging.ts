/**
 * The IM's side of Element's postMessage "ScalarMessaging" API (INTEGRATION-MANAGER.md §4.1):
 * requests are plain objects `{action, room_id, user_id, request_id, …}` posted to the
 * embedding window, with no `api` field (Element drops messages that have one: that field
 * belongs to the Widget API). Element answers with a clone of the request plus `response`;
 * `response.error` is a failure; unknown actions get no answer at all, hence the timeout.
 */

/** The slice of `window` the client uses, so tests can pass a fake. */
export interface MessagingWindow {
  readonly parent: { postMessage(message: unknown, targetOrigin: string): void };
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** A refused or unanswered ScalarMessaging request; `message` is Element's text. */
export class ScalarMessagingError extends Error {
  constructor(
    message: string,
    public readonly action: string,
    public readonly timedOut = false,
  ) {
    super(message);
    this.name = "ScalarMessagingError";
  }
}

export interface ScalarMessagingOptions {
  /**
   * Element's origin (from `document.referrer`). Requests are posted to it and replies from any
   * other origin are ignored. When unknown (the referrer was withheld), requests go to `*`:
   * they carry only room and user ids (never a token), they go to `window.parent` alone, and
   * replies are still only taken from `window.parent`.
   */
  parentOrigin: string | null;
  /** How long to wait for an answer, in ms. Default 10 s. */
  timeoutMs?: number;
}

let counter = 0;

/** Sends ScalarMessaging requests to Element and matches the answers by `request_id`. */
export class ScalarMessaging {
  private readonly timeoutMs: number;

  constructor(
    private readonly win: MessagingWindow,
    private readonly opts: ScalarMessagingOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /**
   * Sends `{action, …fields, request_id}` and resolves with Element's `response`.
   * Rejects with {@link ScalarMessagingError} on `response.error` or after the timeout.
   */
  request<T = unknown>(
    action: string,
    fields: Record<string, unknown> = {},
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    counter += 1;
    const requestId = `atrium-im-${Date.now().toString(36)}-${counter}`;
    const message = { ...fields, action, request_id: requestId };
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.win.removeEventListener("message", onMessage);
      };
      const onMessage = (event: MessageEvent) => {
        if (event.source !== this.win.parent) return;
        if (this.opts.parentOrigin !== null && event.origin !== this.opts.parentOrigin) return;
        const data: unknown = event.data;
        if (typeof data !== "object" || data === null) return;
        const reply = data as { request_id?: unknown; action?: unknown; response?: unknown };
        if (reply.request_id !== requestId || reply.action !== action) return;
        if (!("response" in reply)) return; // our own request echoed back (parent === self)
        finish();
        const problem = errorOf(reply.response);
        if (problem !== null) reject(new ScalarMessagingError(problem, action));
        else resolve(reply.response as T);
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new ScalarMessagingError(
            `Element did not answer the "${action}" request in time. Reload Element and try again.`,
            action,
            true,
          ),
        );
      }, timeoutMs);
      this.win.addEventListener("message", onMessage);
      this.win.parent.postMessage(message, this.opts.parentOrigin ?? "*");
    });
  }

  /** Invites a user (does nothing if they are already joined or invited). */
  invite(roomId: string, userId: string): Promise<unknown> {
    return this.request("invite", { room_id: roomId, user_id: userId });
  }

  /** Raises a user's power level to `level` unless it already is at least that. */
  setBotPower(roomId: string, userId: string, level: number): Promise<unknown> {
    return this.request("set_bot_power", {
      room_id: roomId,
      user_id: userId,
      level,
      ignoreIfGreater: true,
    });
  }

  /**
   * Sends a state event as the user (`send_event`, Element's newer ScalarMessaging action; types
   * limited to widget events). Older Elements never answer it: 5 s and it counts as refused.
   */
  sendEvent(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<{ event_id: string }> {
    return this.request(
      "send_event",
      { room_id: roomId, type, state_key: stateKey, content },
      5000,
    );
  }

  /** Closes Element's IM dialog. Element answers null; nobody waits for it. */
  close(): void {
    this.request("close_scalar").catch(() => undefined);
  }
}

/** Element's error shape: `response: {error: {message, _error?}}`. */
function errorOf(response: unknown): string | null {
  if (typeof response !== "object" || response === null || !("error" in response)) return null;
  const error = (response as { error: unknown }).error;
  if (typeof error === "object" && error !== null && "message" in error) {
    const message = (error as { message: unknown }).message;
    if (typeof message === "string" && message !== "") return message;
  }
  return typeof error === "string" && error !== "" ? error : "Element refused the request.";
}
