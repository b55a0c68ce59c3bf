/** The Atrium appservice's own config.yaml. */
import { stringify } from "yaml";

/** How prosody admits people to a conference. */
export type JitsiAuthMode = "matrix" | "jwt" | "none";

/** Inputs of {@link renderAppserviceConfigYaml}. */
export interface AppserviceConfigOptions {
  readonly homeserver: { readonly url: string; readonly domain: string };
  /** The listener Synapse calls (transactions, user and alias queries). */
  readonly appservice: { readonly port: number; readonly bindAddress: string };
  /** The listener for pad pages (`/atrium/*`, public via the proxy) and `/verify/*` (private). */
  readonly web: { readonly port: number; readonly bindAddress: string; readonly publicUrl: string };
  readonly databaseUrl: string;
  /** `url` is the internal API base; `publicUrl` is where browsers open pads (the pad domain). */
  readonly etherpad: { readonly url: string; readonly publicUrl: string; readonly apiKey: string };
  readonly jitsi: {
    readonly domain: string;
    readonly auth: JitsiAuthMode;
    readonly verifyToken?: string;
    readonly jwtAppId?: string;
    readonly jwtSecret?: string;
    /** Origin of Element Web, whose jitsi.html wraps calls; the appservice's default otherwise. */
    readonly elementUrl?: string;
  };
  readonly bot: { readonly localpart: string; readonly displayName: string };
  readonly aliases: { readonly padPrefix: string; readonly meetPrefix: string };
  /**
   * End-to-end encryption: the generated secret that encrypts the bot's crypto store at rest,
   * and where the store lives (on the appservice's persistent volume, in the backups).
   */
  readonly encryption: { readonly storePassphrase: string; readonly storePath: string };
  /** Bring the conference into a room when its third member joins (`jitsi.autoConference`). */
  readonly conferenceAtThirdMember: boolean;
  /**
   * The integration manager's listener and public origin (its own host name, never the pad
   * domain's); absent: no integration manager.
   */
  readonly integrationManager?: {
    readonly port: number;
    readonly bindAddress: string;
    readonly publicUrl: string;
  };
  /**
   * MatrixRTC calls (the appservice's `calls` section): Atrium answers `get_token` for room
   * members and removes people from the SFU when they leave. Absent: calls off (Jitsi only).
   */
  readonly calls?: {
    /** The SFU's websocket as clients reach it (`wss://sfu.example.org`). */
    readonly url: string;
    /** The SFU's HTTP API on the private network (`http://atrium-livekit:7880`). */
    readonly apiUrl: string;
    readonly apiKey: string;
    readonly apiSecret: string;
  };
}

/** Renders config.yaml in the shape the appservice's config schema reads. */
export function renderAppserviceConfigYaml(o: AppserviceConfigOptions): string {
  const jitsi: Record<string, unknown> = {
    domain: o.jitsi.domain,
    auth: o.jitsi.auth,
    autoConference: o.conferenceAtThirdMember,
  };
  if (o.jitsi.elementUrl !== undefined) jitsi.elementUrl = o.jitsi.elementUrl;
  if (o.jitsi.auth === "matrix") jitsi.verifyToken = o.jitsi.verifyToken;
  if (o.jitsi.auth === "jwt") {
    jitsi.jwtAppId = o.jitsi.jwtAppId;
    jitsi.jwtSecret = o.jitsi.jwtSecret;
  }
  return stringify({
    homeserver: { url: o.homeserver.url, domain: o.homeserver.domain },
    appservice: { port: o.appservice.port, bindAddress: o.appservice.bindAddress },
    web: { port: o.web.port, bindAddress: o.web.bindAddress, publicUrl: o.web.publicUrl },
    database: { engine: "postgres", connectionString: o.databaseUrl },
    etherpad: { url: o.etherpad.url, publicUrl: o.etherpad.publicUrl, apiKey: o.etherpad.apiKey },
    jitsi,
    bot: { localpart: o.bot.localpart, displayName: o.bot.displayName },
    permissions: { allowedServers: [o.homeserver.domain] },
    aliases: { padPrefix: o.aliases.padPrefix, meetPrefix: o.aliases.meetPrefix },
    encryption: {
      enabled: true,
      storePassphrase: o.encryption.storePassphrase,
      storePath: o.encryption.storePath,
    },
    ...(o.integrationManager === undefined
      ? {}
      : {
          integrationManager: {
            port: o.integrationManager.port,
            bindAddress: o.integrationManager.bindAddress,
            publicUrl: o.integrationManager.publicUrl,
          },
        }),
    ...(o.calls === undefined
      ? {}
      : {
          calls: {
            enabled: true,
            livekit: {
              url: o.calls.url,
              apiUrl: o.calls.apiUrl,
              apiKey: o.calls.apiKey,
              apiSecret: o.calls.apiSecret,
            },
          },
        }),
  });
}
