import {
  CONTAINERS,
  SIZE_MINIMUMS,
  capTop,
  clampPct,
  isLayoutWidgetId,
  type LayoutContainer,
  type LayoutContent,
  type LayoutEntry,
} from "./layout-rules";
import { isPlainObject, kindOf } from "./plain";
import { quote } from "./result";

/** Result of {@link parseLayout}. `problems` lists, as sentences, what was dropped or moved. */
export type LayoutParseResult =
  { ok: true; layout: LayoutContent; problems: string[] } | { ok: false; reason: string };

/**
 * Reads the content of an `io.element.widgets.layout` event the way Element would, from any
 * value (never throws). Unusable entries (bad ids, unknown containers) are dropped; bad
 * `index`, `width` or `height` fields are dropped from their entry; sizes are clamped; a
 * second `center` widget and any top widget beyond the third move to `right`.
 *
 * Content without `widgets` (including `{}`) is an empty layout.
 */
export function parseLayout(content: unknown): LayoutParseResult {
  try {
    if (!isPlainObject(content)) {
      return { ok: false, reason: `Layout content must be an object, not ${kindOf(content)}.` };
    }
    const widgets = Object.hasOwn(content, "widgets") ? content.widgets : undefined;
    if (widgets === undefined) return { ok: true, layout: { widgets: {} }, problems: [] };
    if (!isPlainObject(widgets)) {
      return {
        ok: false,
        reason: `Layout "widgets" must be an object keyed by widget id, not ${kindOf(widgets)}.`,
      };
    }
    const problems: string[] = [];
    const entries = readEntries(widgets, problems);
    let centerSeen = false;
    for (const pair of entries) {
      if (pair[1].container !== "center") continue;
      if (centerSeen) {
        problems.push(`Widget ${quote(pair[0])}: a second center widget moved to the right panel.`);
        pair[1] = { container: "right" };
      }
      centerSeen = true;
    }
    const capped = capTop(entries, new Set());
    for (const id of capped.moved) {
      problems.push(
        `Widget ${quote(id)}: the top holds 3 widgets at most; moved to the right panel.`,
      );
    }
    return { ok: true, layout: { widgets: Object.fromEntries(capped.entries) }, problems };
  } catch (err: unknown) {
    return { ok: false, reason: `Layout content could not be read: ${String(err)}.` };
  }
}

/** The usable entries of any layout content, in order; nothing when it is unusable. */
export function parseLayoutWidgets(content: unknown): Array<[string, LayoutEntry]> {
  const parsed = parseLayout(content);
  return parsed.ok ? Object.entries(parsed.layout.widgets) : [];
}

function readEntries(
  widgets: Record<string, unknown>,
  problems: string[],
): Array<[string, LayoutEntry]> {
  const entries: Array<[string, LayoutEntry]> = [];
  for (const [id, raw] of Object.entries(widgets)) {
    if (!isLayoutWidgetId(id)) {
      problems.push(`Layout key ${quote(id)} is not a usable widget id; ignored.`);
      continue;
    }
    if (!isPlainObject(raw)) {
      problems.push(
        `Widget ${quote(id)}: its layout must be an object, not ${kindOf(raw)}; ignored.`,
      );
      continue;
    }
    const container = raw.container;
    if (typeof container !== "string" || !CONTAINERS.has(container)) {
      problems.push(`Widget ${quote(id)}: container must be top, right or center; ignored.`);
      continue;
    }
    const entry: LayoutEntry = { container: container as LayoutContainer };
    if (raw.index !== undefined) {
      if (typeof raw.index === "number" && Number.isInteger(raw.index) && raw.index >= 0) {
        entry.index = raw.index;
      } else {
        problems.push(`Widget ${quote(id)}: index is not a whole number of at least 0; dropped.`);
      }
    }
    for (const [key, min] of SIZE_MINIMUMS) {
      const value = raw[key];
      if (value === undefined) continue;
      if (typeof value === "number" && Number.isFinite(value)) entry[key] = clampPct(value, min);
      else problems.push(`Widget ${quote(id)}: ${key} is not a number; dropped.`);
    }
    entries.push([id, entry]);
  }
  return entries;
}
