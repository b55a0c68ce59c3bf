/** Outcome of a validator: the normalised value, or a sentence naming the problem and the fix. */
export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Thrown by the widget builders when the caller passed something no correct program would
 * (an empty id, a malformed user id). User input must go through the validators instead,
 * which return a reason rather than throwing.
 */
export class WidgetInputError extends Error {
  /** The sentence describing what was wrong and how to fix it. */
  public readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = "WidgetInputError";
    this.reason = reason;
  }
}

/** Shows a piece of untrusted text inside a reason without flooding it. */
export function quote(text: string, max = 40): string {
  const chars = [...text];
  const shown = chars.length > max ? `${chars.slice(0, max).join("")}…` : text;
  return JSON.stringify(shown);
}

/** C0 and C1 control characters, including DEL. */
export const CONTROL_CHARS = /\p{Cc}/u;

/** Keys that would reach an object's prototype when used on a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);
