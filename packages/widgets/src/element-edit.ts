/**
 * Element's "Edit" on a widget, and the token it costs.
 *
 * Element Web offers "Edit" in a widget's menu only when the widget is "managed by" the
 * integration manager (`WidgetUtils.isManagedByManager`): both the widget's URL and the primary
 * manager's API URL must fall under one of the `integrations_widgets_urls` prefixes of its
 * config.json (`WidgetUtils.isScalarUrl`: same protocol and host, path starting with the
 * prefix's path). Edit then opens the IM on `type_<type>` with `integ_id=<widget id>`.
 *
 * The same match makes Element append the user's IM token (`scalar_token`) to the widget's
 * embed URL (`StopGapWidget.runUrlTemplate`), so the prefixes name Atrium's own widget pages
 * only, and those pages drop the token from their address at once, send no Referer and are
 * never logged with their query string.
 */

/** The places whose URLs make up Element's `integrations_widgets_urls` for Atrium. */
export interface WidgetsUrlsOptions {
  /** The appservice's public web URL (`web.publicUrl`: the pad and conference pages). */
  readonly webPublicUrl: string;
  /** The integration manager's origin (`integrationManager.publicUrl`; its API is `/api`). */
  readonly imUrl: string;
}

/** The pages Atrium's widgets point at, under `web.publicUrl` (`/atrium/pad`, `/atrium/conference`). */
export const ATRIUM_WIDGET_PAGE_PATHS = ["/atrium/pad", "/atrium/conference"] as const;

const trimmed = (url: string): string => url.replace(/\/+$/, "");

/**
 * Element's `integrations_widgets_urls` for Atrium: its pad and conference pages and the IM's
 * API URL (which must match too, or Element offers no Edit), and nothing else, so no other
 * widget is handed the user's IM token.
 */
export function integrationsWidgetsUrls(o: WidgetsUrlsOptions): string[] {
  const web = trimmed(o.webPublicUrl);
  return [...ATRIUM_WIDGET_PAGE_PATHS.map((p) => `${web}${p}`), `${trimmed(o.imUrl)}/api`];
}

/** Element's `WidgetUtils.isScalarUrl`: is `url` under one of `prefixes`? */
export function underWidgetsUrls(url: string, prefixes: readonly string[]): boolean {
  let tested: URL;
  try {
    tested = new URL(url);
  } catch {
    return false;
  }
  return prefixes.some((prefix) => {
    const p = new URL(prefix);
    return (
      tested.protocol === p.protocol &&
      tested.host === p.host &&
      tested.pathname.startsWith(p.pathname)
    );
  });
}

/**
 * Whether Element offers "Edit" on a widget at `widgetUrl` (`WidgetUtils.isManagedByManager`),
 * given the IM's API URL and the prefixes. Element also requires the user's power to change
 * widgets (`canUserModifyWidgets`), which this leaves out.
 */
export function elementOffersEdit(
  widgetUrl: string,
  imApiUrl: string,
  prefixes: readonly string[],
): boolean {
  return underWidgetsUrls(widgetUrl, prefixes) && underWidgetsUrls(imApiUrl, prefixes);
}
