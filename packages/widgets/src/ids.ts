import { randomBytes } from "node:crypto";
import { base32 } from "rfc4648";
import { WidgetInputError } from "./result";

/** What a widget created by Atrium holds. */
export type WidgetKind = "pad" | "jitsi" | "custom";

const KINDS: ReadonlySet<string> = new Set<WidgetKind>(["pad", "jitsi", "custom"]);

/**
 * Makes a new widget id such as `atrium_pad_k5q3x2m7v4b6n8c2` (80 random bits, lower-case
 * base32). The id only uses `[a-z0-9_]`, so it is safe in URLs, state keys and pad names.
 *
 * @throws WidgetInputError when `kind` is not one of `pad`, `jitsi`, `custom`.
 */
export function newWidgetId(kind: WidgetKind): string {
  if (!KINDS.has(kind)) {
    throw new WidgetInputError(
      `newWidgetId: unknown kind ${JSON.stringify(kind)}; use "pad", "jitsi" or "custom".`,
    );
  }
  return `atrium_${kind}_${base32.stringify(randomBytes(10)).toLowerCase()}`;
}

/** RFC 4648 base32 (alphabet A–Z2–7) of the UTF-8 bytes of `text`, without `=` padding. */
export function base32Unpadded(text: string): string {
  return base32.stringify(Buffer.from(text, "utf8"), { pad: false });
}

/**
 * The Jitsi conference name Element uses for a room when Jitsi auth is on: the unpadded
 * RFC 4648 base32 of the room id. Prosody's Matrix auth module checks exactly this.
 *
 * @throws WidgetInputError when `roomId` is not a Matrix room id (`!…`).
 */
export function jitsiConferenceId(roomId: string): string {
  if (typeof roomId !== "string" || !/^![^\s:]+(:\S+)?$/u.test(roomId)) {
    throw new WidgetInputError(
      `jitsiConferenceId: ${JSON.stringify(roomId)} is not a room id; pass one like "!abc:example.org".`,
    );
  }
  return base32Unpadded(roomId);
}
