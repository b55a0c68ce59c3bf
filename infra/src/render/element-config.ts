/** Element Web's config.json. */
import { integrationsWidgetsUrls } from "@atrium/widgets";

/** Inputs of {@link renderElementConfig}. */
export interface ElementConfigOptions {
  readonly homeserverUrl: string;
  readonly serverName: string;
  readonly jitsiDomain: string;
  /** Origin of Atrium's integration manager (`https://im.example.org`), when deployed. */
  readonly integrationManagerUrl?: string;
  /** Atrium's pad and conference pages (`web.publicUrl`, `https://pads.example.org`). */
  readonly widgetPagesUrl?: string;
  readonly brand?: string;
  /** MatrixRTC calls are on (`atrium:calls` is not `jitsi`): see {@link elementCallKeys}. */
  readonly elementCall?: boolean;
}

/**
 * Element Web's keys for calls on MatrixRTC (key names as element-web 1.12 reads them:
 * `IConfigOptions.element_call` and the features in `settings/Settings.tsx`):
 *
 * - `feature_group_calls`: without it Element Web never offers Element Call at all
 *   (`useRoomCall`: the Element Call option sits inside `if (groupCallsEnabled)`).
 * - `element_call.use_exclusively`: the call button starts an Element Call, the call Element X
 *   and Cinny join too; in a room that has a Jitsi widget (`!meet`) Element offers both.
 * - `feature_video_rooms`, `feature_element_call_video_rooms`: "video rooms" (a room that is a
 *   standing call) use Element Call; `feature_new_room_decoration_ui`: the room header with the
 *   call buttons, as ESS ships it.
 *
 * No `element_call.url`: Element Web embeds its own Element Call (`/widgets/element-call/`),
 * and `participant_limit` is no longer read (absent from element-web's `IConfigOptions`).
 */
export function elementCallKeys(brand: string): Record<string, unknown> {
  return {
    element_call: { use_exclusively: true, brand: `${brand} Call` },
    features: {
      feature_group_calls: true,
      feature_video_rooms: true,
      feature_element_call_video_rooms: true,
      feature_new_room_decoration_ui: true,
    },
  };
}

/**
 * Element's integration-manager keys for Atrium's IM. Without them Element falls back to
 * scalar.vector.im, a hosted third party. `integrations_widgets_urls` names Atrium's pad and
 * conference pages and the IM's API: with both under a prefix Element offers "Edit" on Atrium's
 * widgets, and appends the user's IM token (`scalar_token`) to those pages' URLs, which drop it
 * at once (see `@atrium/widgets` element-edit.ts). Without `widgetPagesUrl` the list names only
 * the IM's API: no widget gets the token, and Element offers no Edit.
 */
export function elementIntegrationKeys(
  imUrl: string,
  widgetPagesUrl?: string,
): Record<string, unknown> {
  return {
    integrations_ui_url: `${imUrl}/element`,
    integrations_rest_url: `${imUrl}/api`,
    integrations_widgets_urls:
      widgetPagesUrl === undefined
        ? [`${imUrl}/api`]
        : integrationsWidgetsUrls({ webPublicUrl: widgetPagesUrl, imUrl }),
  };
}

/**
 * Renders config.json: our homeserver as the default, our Jitsi as the preferred domain, and
 * Atrium's integration manager.
 */
export function renderElementConfig(o: ElementConfigOptions): string {
  return `${JSON.stringify(
    {
      default_server_config: {
        "m.homeserver": { base_url: o.homeserverUrl, server_name: o.serverName },
      },
      disable_custom_urls: true,
      disable_guests: true,
      brand: o.brand ?? "Atrium",
      ...(o.elementCall === true ? elementCallKeys(o.brand ?? "Atrium") : {}),
      jitsi: { preferred_domain: o.jitsiDomain },
      show_labs_settings: false,
      room_directory: { servers: [o.serverName] },
      ...(o.integrationManagerUrl === undefined
        ? {}
        : elementIntegrationKeys(o.integrationManagerUrl, o.widgetPagesUrl)),
    },
    null,
    2,
  )}\n`;
}
