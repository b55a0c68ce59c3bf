/** Element Web's config.json. */

/** Inputs of {@link renderElementConfig}. */
export interface ElementConfigOptions {
  readonly homeserverUrl: string;
  readonly serverName: string;
  readonly jitsiDomain: string;
  /** Origin of Atrium's integration manager (`https://im.example.org`), when deployed. */
  readonly integrationManagerUrl?: string;
  readonly brand?: string;
}

/**
 * Element's integration-manager keys for Atrium's IM. Without them Element falls back to
 * scalar.vector.im, a hosted third party. `integrations_widgets_urls` lists the widget URLs
 * Element treats as the IM's own: it appends the user's IM token (`scalar_token`) to the embed
 * URL of any widget under one of these prefixes. Atrium hosts nothing under `/widgets`, so its
 * pad and conference pages (on other origins) never receive the token.
 */
export function elementIntegrationKeys(imUrl: string): Record<string, unknown> {
  return {
    integrations_ui_url: `${imUrl}/element`,
    integrations_rest_url: `${imUrl}/api`,
    integrations_widgets_urls: [`${imUrl}/widgets`],
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
      jitsi: { preferred_domain: o.jitsiDomain },
      show_labs_settings: false,
      room_directory: { servers: [o.serverName] },
      ...(o.integrationManagerUrl === undefined
        ? {}
        : elementIntegrationKeys(o.integrationManagerUrl)),
    },
    null,
    2,
  )}\n`;
}
