// One text input checked as the person types: the rule the IM's add forms share for when a
// problem shows (once typed in, or once the person tries to send) and how a sent form empties.
import { useState, type ChangeEvent } from "react";

/** A check's answer: the value to send, or why the text is refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What a form needs of one checked input. */
export interface CheckedInput<T> {
  /** Spread on the `Form.TextControl`: the text and its change handler. */
  control: { value: string; onChange: (event: ChangeEvent<HTMLInputElement>) => void };
  /** The check of the text as it stands. */
  result: Checked<T>;
  /** Why the text is refused, once typed in or touched; else null. */
  problem: string | null;
  /** Shows the problem even if nothing was typed (the person tried to send). */
  touch: () => void;
  /** Empty again, no problem shown (after the form was sent). */
  reset: () => void;
}

/**
 * Holds one input's text and checks it with `check` on every render; `onEdit` runs on each change
 * (for what the old text made stale, such as a preview).
 */
export function useCheckedInput<T>(
  check: (text: string) => Checked<T>,
  onEdit?: () => void,
): CheckedInput<T> {
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const result = check(text);
  return {
    control: {
      value: text,
      onChange: (event) => {
        setText(event.target.value);
        setTouched(true);
        onEdit?.();
      },
    },
    result,
    problem: touched && !result.ok ? result.reason : null,
    touch: () => setTouched(true),
    reset: () => {
      setText("");
      setTouched(false);
    },
  };
}
