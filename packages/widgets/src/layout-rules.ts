// Element's layout rules and types, shared by the builder and the parser.
import { CONTROL_CHARS, FORBIDDEN_KEYS } from "./result";

/** Where Element shows a widget: the app drawer above the timeline, the right panel, or the centre. */
export type LayoutContainer = "top" | "right" | "center";

/** One widget's place in an `io.element.widgets.layout` event. */
export interface LayoutEntry {
  container: LayoutContainer;
  /** Order within the top container (Element sorts by it). */
  index?: number;
  /** Width in percent; Element clamps it to 10–100. */
  width?: number;
  /** Height in percent; Element clamps it to 2–100 and uses the tallest in the top container. */
  height?: number;
}

/** Content of an `io.element.widgets.layout` state event (state key ""). */
export interface LayoutContent {
  widgets: Record<string, LayoutEntry>;
}

/** A layout entry together with the widget it places. */
export interface LayoutInput extends Partial<Omit<LayoutEntry, "container">> {
  widgetId: string;
  container: LayoutContainer;
}

/** Element's `MAX_PINNED`: at most this many widgets fit in the top container. */
export const MAX_TOP_WIDGETS = 3;
export const MIN_WIDTH_PCT = 10;
export const MIN_HEIGHT_PCT = 2;

/**
 * The sizes a layout entry may carry, each with the least percentage it is clamped to; the
 * builder and the parser both walk this list, so a new size is added here once.
 */
export const SIZE_MINIMUMS = [
  ["width", MIN_WIDTH_PCT],
  ["height", MIN_HEIGHT_PCT],
] as const;

export const CONTAINERS: ReadonlySet<string> = new Set<LayoutContainer>(["top", "right", "center"]);

/**
 * Keeps the first `max` top entries (by index, then position) and moves the rest to `right`.
 * Returns the entries in their original order and the ids that were moved.
 */
export function capTop(
  entries: Array<[string, LayoutEntry]>,
  moved: Set<string>,
  max = MAX_TOP_WIDGETS,
): { entries: Array<[string, LayoutEntry]>; moved: Set<string> } {
  const top = entries
    .map(([id, e], position) => ({ id, index: e.index ?? Number.POSITIVE_INFINITY, position, e }))
    .filter((t) => t.e.container === "top")
    .sort((a, b) => a.index - b.index || a.position - b.position);
  const surplus = new Set(top.slice(Math.max(0, max)).map((t) => t.id));
  const result = entries.map(([id, e]): [string, LayoutEntry] => {
    if (!surplus.has(id)) return [id, e];
    moved.add(id);
    return [id, { container: "right" }];
  });
  return { entries: result, moved };
}

/** Clamps and rounds a percentage. */
export function clampPct(value: number, min: number): number {
  return Math.min(100, Math.max(min, Math.round(value)));
}

/**
 * Whether `id` can key a layout entry. Looser than the builders' id rule because layouts also
 * place widgets other clients made (integration managers use ids like `customwidget_%40a%3Ab_1`).
 */
export function isLayoutWidgetId(id: unknown): id is string {
  return (
    typeof id === "string" &&
    id.length > 0 &&
    id.length <= 255 &&
    !CONTROL_CHARS.test(id) &&
    !FORBIDDEN_KEYS.has(id)
  );
}
