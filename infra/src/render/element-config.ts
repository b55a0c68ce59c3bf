/** Element Web's config.json. */

/** Inputs of {@link renderElementConfig}. */
export interface ElementConfigOptions {
  readonly homeserverUrl: string;
  readonly serverName: string;
  readonly jitsiDomain: string;
  readonly brand?: string;
}

/** Renders config.json: our homeserver as the default, our Jitsi as the preferred domain. */
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
    },
    null,
    2,
  )}\n`;
}
