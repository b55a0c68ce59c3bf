import { z } from "zod";
import { atriumErrorMap } from "./zod-errors";
import { WIDGET_EVENT_TYPE } from "./events";
import { isPlainObject, kindOf } from "./plain";
import { CONTROL_CHARS, FORBIDDEN_KEYS, quote } from "./result";

/** Which Atrium-relevant family a widget type belongs to. */
export type WidgetFamily = "etherpad" | "jitsi" | "custom" | "other";

/** A widget read from room state. */
export interface ParsedWidget {
  /** The event's state key. */
  stateKey: string;
  /** The widget id: the state key, as Element uses it (the content's own `id` is ignored). */
  id: string;
  type: string;
  url: string;
  /** The content's name, or "" when it has none. */
  name: string;
  /** The content's `creatorUserId` when it is a string, else the event sender. */
  creatorUserId?: string;
  /** Who sent the state event, when known: the trustworthy author. */
  sender?: string;
  data: Record<string, unknown>;
  waitForIframeLoad: boolean;
  kind: WidgetFamily;
}

/**
 * Result of {@link parseWidgetEvent}: a widget, a removed widget (empty content), or a reason
 * the event is not a usable widget.
 */
export type WidgetEventParseResult =
  | { ok: true; removed: false; widget: ParsedWidget }
  | { ok: true; removed: true; stateKey: string }
  | { ok: false; reason: string };

/** Limits that keep a hostile event from producing huge values. */
const MAX_KEY = 255;
const MAX_TYPE = 255;
const MAX_URL = 8192;

const KINDS: Record<string, WidgetFamily> = {
  "m.etherpad": "etherpad",
  etherpad: "etherpad",
  "dimension-etherpad": "etherpad",
  jitsi: "jitsi",
  "m.jitsi": "jitsi",
  "dimension-jitsi": "jitsi",
  "m.custom": "custom",
  customwidget: "custom",
};

const eventSchema = z.object({
  type: z.literal(WIDGET_EVENT_TYPE),
  state_key: z
    .string()
    .min(1)
    .max(MAX_KEY)
    .refine((key) => !CONTROL_CHARS.test(key), "must not contain control characters"),
  content: z.record(z.string(), z.unknown()),
  sender: z.string().max(MAX_KEY).optional(),
});

const contentSchema = z.object({
  type: z.string().min(1).max(MAX_TYPE),
  url: z.string().min(1).max(MAX_URL),
  name: z.string().max(MAX_KEY).optional().catch(undefined),
  creatorUserId: z.string().max(MAX_KEY).optional().catch(undefined),
  waitForIframeLoad: z.boolean().optional().catch(undefined),
  data: z.unknown(),
});

/**
 * Reads a raw `im.vector.modular.widgets` state event (`{type, state_key, content, sender?}`)
 * from any value; never throws. Empty content means the widget was removed. Like Element,
 * content without a `type` or `url` string is not a widget. Malformed optional fields
 * (`name`, `creatorUserId`, `waitForIframeLoad`, `data`) fall back to defaults; `data` keys
 * that reach object prototypes (`__proto__`, `constructor`, `prototype`) are dropped.
 * The URL is reported as found; run {@link validateWidgetUrl} before trusting it.
 */
export function parseWidgetEvent(event: unknown): WidgetEventParseResult {
  try {
    if (!isPlainObject(event)) {
      return { ok: false, reason: `A widget event must be an object, not ${kindOf(event)}.` };
    }
    const parsedEvent = eventSchema.safeParse(event, { error: atriumErrorMap });
    if (!parsedEvent.success) return { ok: false, reason: describe("event", parsedEvent.error) };
    const { state_key: stateKey, content, sender } = parsedEvent.data;
    // Checked on the raw content: zod drops a `__proto__` key, which would look empty.
    if (Object.keys(event.content as object).length === 0) {
      return { ok: true, removed: true, stateKey };
    }
    const parsedContent = contentSchema.safeParse(content, { error: atriumErrorMap });
    if (!parsedContent.success) {
      return {
        ok: false,
        reason: `Widget ${quote(stateKey)} is not a widget: ${describe("content", parsedContent.error)}`,
      };
    }
    const c = parsedContent.data;
    const widget: ParsedWidget = {
      stateKey,
      id: stateKey,
      type: c.type,
      url: c.url,
      name: c.name ?? "",
      data: cleanData(c.data),
      waitForIframeLoad: c.waitForIframeLoad ?? true,
      kind: Object.hasOwn(KINDS, c.type) ? (KINDS[c.type] as WidgetFamily) : "other",
    };
    const creator = c.creatorUserId ?? sender;
    if (creator !== undefined) widget.creatorUserId = creator;
    if (sender !== undefined) widget.sender = sender;
    return { ok: true, removed: false, widget };
  } catch (err: unknown) {
    return { ok: false, reason: `The widget event could not be read: ${String(err)}.` };
  }
}

/**
 * Lists the live widgets in a room's state events (any value; never throws). Events of other
 * types, removed widgets and unusable events are skipped. When the same state key appears
 * twice, the later event wins, as in room state.
 */
export function parseWidgetsFromState(events: unknown): ParsedWidget[] {
  if (!Array.isArray(events)) return [];
  const byKey = new Map<string, ParsedWidget>();
  for (const event of events) {
    const result = parseWidgetEvent(event);
    if (!result.ok) continue;
    if (result.removed) byKey.delete(result.stateKey);
    else {
      byKey.delete(result.widget.stateKey);
      byKey.set(result.widget.stateKey, result.widget);
    }
  }
  return [...byKey.values()];
}

function cleanData(data: unknown): Record<string, unknown> {
  if (!isPlainObject(data)) return {};
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!FORBIDDEN_KEYS.has(key)) clean[key] = value;
  }
  return clean;
}

/** Turns the first zod issue into a sentence such as `content.url: Required.` */
function describe(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return `the ${what} is malformed.`;
  const path = [what, ...issue.path.map(String)].join(".");
  return `${path}: ${issue.message}.`;
}
