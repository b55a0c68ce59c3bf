/**
 * What Element puts in the IM iframe's URL (INTEGRATION-MANAGER.md §3):
 * `{ui_url}?scalar_token=…&room_id=…&room_name=…&theme=…[&integ_id=…][&screen=…]`.
 */
import type { ImWidgetKind } from "@atrium/widgets";

export type Theme = "light" | "dark";

export interface ImParams {
  scalarToken: string | null;
  roomId: string | null;
  roomName: string | null;
  theme: Theme;
  /** The widget kind a `screen=type_<type>` names, or null (missing or unknown screen). */
  screenKind: ImWidgetKind | null;
  /** The widget id (`integ_id`, the state key of its widget event), or null. */
  integId: string | null;
}

/** Reads the parameters from a query string (`location.search`). Empty values count as absent. */
export function parseParams(search: string): ImParams {
  const q = new URLSearchParams(search);
  const get = (key: string): string | null => {
    const value = q.get(key);
    return value === null || value === "" ? null : value;
  };
  return {
    scalarToken: get("scalar_token"),
    roomId: get("room_id"),
    roomName: get("room_name"),
    theme: themeOf(get("theme")),
    screenKind: screenKind(get("screen")),
    integId: get("integ_id"),
  };
}

/**
 * Element passes its raw `theme` setting: `light`, `dark`, `light-high-contrast`, or a custom
 * theme's `custom-<name>`. Anything naming "dark" is dark; everything else (and none) is light.
 */
export function themeOf(theme: string | null): Theme {
  return theme !== null && theme.toLowerCase().includes("dark") ? "dark" : "light";
}

/**
 * The type aliases Element and Dimension use for each kind (Element sends `type_<widget type>`
 * when someone edits a widget; Dimension's widgets carried `dimension-…` types).
 */
const TYPE_ALIASES: Readonly<Record<ImWidgetKind, readonly string[]>> = {
  etherpad: ["etherpad", "m.etherpad", "dimension-etherpad"],
  jitsi: ["jitsi", "m.jitsi", "dimension-jitsi"],
  custom: ["m.custom", "customwidget", "dimension-customwidget", "custom"],
};

/** Maps a `screen` value (`type_<widget type>`) to an Atrium widget kind; null when unknown. */
export function screenKind(screen: string | null): ImWidgetKind | null {
  if (screen === null || !screen.startsWith("type_")) return null;
  const type = screen.slice("type_".length).toLowerCase();
  for (const [kind, aliases] of Object.entries(TYPE_ALIASES) as [ImWidgetKind, string[]][]) {
    if (aliases.includes(type)) return kind;
  }
  return null;
}

/**
 * The origin of the window that embeds the IM (Element), from `document.referrer`, so replies
 * can be posted to that origin only. Null when the referrer is missing or not a URL (a
 * `no-referrer` policy); the caller then falls back to `*` (see ScalarMessaging).
 */
export function parentOrigin(referrer: string): string | null {
  if (referrer === "") return null;
  try {
    const origin = new URL(referrer).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}
