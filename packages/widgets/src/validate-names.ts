import { CONTROL_CHARS, quote, type Validation } from "./result";

/** Longest widget name, in characters (Unicode code points). */
export const MAX_WIDGET_NAME_LENGTH = 64;
/** Pad names must have fewer than this many characters. */
export const PAD_NAME_LIMIT = 16;

/** Bidirectional overrides and isolates, which can make a name display as something else. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
/** Characters Etherpad or its URLs treat specially: `$` splits group ids, the rest break URLs. */
const PAD_RESERVED = /[$/?&#]/u;
/** Letters and digits of any script (with combining marks), `-`, `_` and `.`. */
const PAD_ALLOWED = /^[\p{L}\p{M}\p{N}_.-]+$/u;

/**
 * Checks the display name of a widget: 1 to 64 characters once trimmed, with no control
 * characters or bidirectional overrides.
 *
 * @returns the trimmed name, or a reason naming the rule.
 */
export function validateWidgetName(input: string): Validation<string> {
  if (typeof input !== "string") return refuse("The widget name must be text.");
  const name = input.trim();
  if (name === "") return refuse("The widget name is empty; give it a short name.");
  if (CONTROL_CHARS.test(name)) {
    return refuse(
      "The widget name contains control characters (such as line breaks); remove them.",
    );
  }
  if (BIDI_CONTROLS.test(name)) {
    return refuse("The widget name contains text-direction override characters; remove them.");
  }
  const length = [...name].length;
  if (length > MAX_WIDGET_NAME_LENGTH) {
    return refuse(
      `Widget names must have at most ${MAX_WIDGET_NAME_LENGTH} characters; ${quote(name)} has ${length}.`,
    );
  }
  return { ok: true, value: name };
}

/**
 * Checks the name a user gives a pad (as in `!pad minutes`).
 *
 * The rule users are told: the name must have fewer than 16 characters (so 1–15 once trimmed
 * and NFC-normalised, counted as Unicode code points). It may contain letters of any script,
 * digits, `-`, `_` and `.`, and must start with a letter or a digit. Spaces are refused, not
 * mapped, because Etherpad silently turns them into `_` in pad ids and two names would then
 * meet in one pad; the reason suggests `-` instead. `$ / ? & #` are refused because Etherpad
 * uses `$` to split group pad ids and the others break pad URLs. Any name accepted here is a
 * valid Etherpad pad name part (1–50 characters, no `$`).
 *
 * @returns the trimmed, NFC-normalised name, or a reason stating the rule.
 */
export function validatePadName(input: string): Validation<string> {
  if (typeof input !== "string") return refuse("The pad name must be text.");
  const name = input.trim().normalize("NFC");
  if (name === "") {
    return refuse("The pad name is empty; give a name such as minutes (fewer than 16 characters).");
  }
  if (CONTROL_CHARS.test(name) || BIDI_CONTROLS.test(name)) {
    return refuse(
      "Pad names cannot contain control characters (such as line breaks); remove them.",
    );
  }
  const length = [...name].length;
  if (length >= PAD_NAME_LIMIT) {
    return refuse(
      `Pad names must have fewer than ${PAD_NAME_LIMIT} characters; ${quote(name)} has ${length}.`,
    );
  }
  const reserved = PAD_RESERVED.exec(name);
  if (reserved !== null) {
    return refuse(
      `Pad names cannot contain "${reserved[0]}"; use letters, digits, - _ or . instead.`,
    );
  }
  if (/\s/u.test(name)) {
    return refuse(`Pad names cannot contain spaces; use - or _ instead, e.g. "team-notes".`);
  }
  if (!PAD_ALLOWED.test(name)) {
    const bad = [...name].find((c) => !PAD_ALLOWED.test(c)) ?? "";
    return refuse(
      `Pad names cannot contain ${quote(bad)}; use letters, digits, - _ or . (fewer than ${PAD_NAME_LIMIT} characters).`,
    );
  }
  if (!/^[\p{L}\p{N}]/u.test(name)) {
    return refuse(`Pad names must start with a letter or a digit; ${quote(name)} does not.`);
  }
  return { ok: true, value: name };
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
