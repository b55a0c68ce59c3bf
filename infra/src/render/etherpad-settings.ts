/** Etherpad's settings.json (mounted over the image's own, which has no API-key switch). */

/** Where Etherpad keeps pads. */
export type EtherpadDatabase =
  | {
      readonly type: "postgres";
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly password: string;
      /** TLS to an external server (node-postgres's `ssl`). */
      readonly ssl?: boolean;
    }
  | { readonly type: "dirty"; readonly filename: string };

/** Inputs of {@link renderEtherpadSettings}. */
export interface EtherpadSettingsOptions {
  readonly ip: string;
  readonly port: number;
  readonly database: EtherpadDatabase;
  /** Password of the `admin` user of /admin (which the proxy does not publish). */
  readonly adminPassword: string;
  /** Behind the TLS proxy: trust X-Forwarded-* headers. */
  readonly trustProxy: boolean;
  readonly title?: string;
}

/**
 * Renders settings.json: API-key authentication (`authenticationMethod: "apikey"`, the key read
 * from APIKEY.txt), pads reachable only through a session (`requireSession`), no pad created by
 * visiting a URL (`editOnly`).
 */
export function renderEtherpadSettings(o: EtherpadSettingsOptions): string {
  const { type, ...dbSettings } = o.database;
  return `${JSON.stringify(
    {
      title: o.title ?? "Atrium pads",
      ip: o.ip,
      port: o.port,
      dbType: type,
      dbSettings,
      authenticationMethod: "apikey",
      requireSession: true,
      editOnly: true,
      trustProxy: o.trustProxy,
      requireAuthentication: false,
      requireAuthorization: false,
      users: { admin: { password: o.adminPassword, is_admin: true } },
      showSettingsInAdminPage: false,
      defaultPadText: "",
      suppressErrorsInPadText: true,
      minify: true,
      loglevel: "INFO",
      cookie: { sameSite: "Lax" },
    },
    null,
    2,
  )}\n`;
}
