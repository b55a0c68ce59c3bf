import { createHash } from "node:crypto";

/**
 * Widget ids derived from what they stand for, so that a retried command, a replayed event or
 * a resumed crash writes the same state key instead of a second widget.
 */
export function stableWidgetId(kind: "pad" | "jitsi" | "custom", ...seed: string[]): string {
  const digest = createHash("sha256").update(seed.join("\u0000")).digest("hex").slice(0, 20);
  return `atrium_${kind}_${digest}`;
}
