import {
  CONTAINERS,
  MAX_TOP_WIDGETS,
  SIZE_MINIMUMS,
  capTop,
  clampPct,
  isLayoutWidgetId,
  type LayoutContent,
  type LayoutEntry,
  type LayoutInput,
} from "./layout-rules";
import { parseLayoutWidgets } from "./parse-layout";
import { WidgetInputError } from "./result";

/**
 * Builds layout content following Element's rules.
 *
 * - At most {@link MAX_TOP_WIDGETS} widgets in `top`. Surplus `top` entries are moved to
 *   `right` (what Element itself does with them), not refused: ordered by `index` (entries
 *   without one last), then by their position in `entries`, the first three stay on top.
 *   A moved entry keeps only `container: "right"`.
 * - `width` is rounded and clamped to 10–100, `height` to 2–100.
 *
 * @throws WidgetInputError on a programmer error: a bad widget id, the same widget twice, an
 *   unknown container, a negative or fractional index, a non-finite size, or two `center`
 *   entries (Element shows one at most and refuses the second).
 */
export function buildLayout(entries: LayoutInput[]): LayoutContent {
  if (!Array.isArray(entries)) throw new WidgetInputError("buildLayout: entries must be an array.");
  const seen = new Set<string>();
  const normalised: Array<[string, LayoutEntry]> = [];
  for (const input of entries) {
    const [id, entry] = normaliseInput(input, "buildLayout");
    if (seen.has(id)) {
      throw new WidgetInputError(`buildLayout: widget ${JSON.stringify(id)} appears twice.`);
    }
    seen.add(id);
    normalised.push([id, entry]);
  }
  const centers = normalised.filter(([, e]) => e.container === "center");
  if (centers.length > 1) {
    throw new WidgetInputError(
      `buildLayout: only one widget may be in the center container; got ${centers.map(([id]) => id).join(", ")}.`,
    );
  }
  return { widgets: Object.fromEntries(capTop(normalised, new Set()).entries) };
}

/**
 * Pins one widget into an existing layout (any content, even garbage: unusable parts are
 * dropped as {@link parseLayout} does) and keeps the other widgets where they were.
 *
 * The new entry always gets the place it asks for. When it goes to `top` and the top
 * container is full, the other top widgets ordered last (highest index) move to `right`.
 * When it goes to `center`, the widget already there moves to `right`. Without an `index`, a
 * new top entry goes after the others.
 *
 * @throws WidgetInputError when `entry` itself is malformed.
 */
export function mergeLayout(existing: unknown, entry: LayoutInput): LayoutContent {
  const [id, placed] = normaliseInput(entry, "mergeLayout");
  const parsed = parseLayoutWidgets(existing);
  const others: Array<[string, LayoutEntry]> = parsed.filter(([other]) => other !== id);
  if (placed.container === "center") {
    for (const pair of others) if (pair[1].container === "center") pair[1] = { container: "right" };
  }
  let kept = others;
  if (placed.container === "top") {
    kept = capTop(others, new Set(), MAX_TOP_WIDGETS - 1).entries;
    if (placed.index === undefined) {
      const indexes = kept.filter(([, e]) => e.container === "top").map(([, e], i) => e.index ?? i);
      placed.index = indexes.length === 0 ? 0 : Math.max(...indexes) + 1;
    }
  }
  return { widgets: Object.fromEntries([...kept, [id, placed]]) };
}

function normaliseInput(input: LayoutInput, where: string): [string, LayoutEntry] {
  if (input === null || typeof input !== "object") {
    throw new WidgetInputError(
      `${where}: each entry must be an object with widgetId and container.`,
    );
  }
  if (!isLayoutWidgetId(input.widgetId)) {
    throw new WidgetInputError(
      `${where}: widgetId ${JSON.stringify(input.widgetId)} must be 1–255 characters without control characters.`,
    );
  }
  if (!CONTAINERS.has(input.container)) {
    throw new WidgetInputError(
      `${where}: container ${JSON.stringify(input.container)} must be "top", "right" or "center".`,
    );
  }
  const entry: LayoutEntry = { container: input.container };
  if (input.index !== undefined) {
    if (!Number.isInteger(input.index) || input.index < 0) {
      throw new WidgetInputError(`${where}: index must be a whole number of at least 0.`);
    }
    entry.index = input.index;
  }
  for (const [key, min] of SIZE_MINIMUMS) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new WidgetInputError(`${where}: ${key} must be a finite percentage.`);
    }
    entry[key] = clampPct(value, min);
  }
  return [input.widgetId, entry];
}
