/** Synapse's homeserver.yaml. */
import { stringify } from "yaml";
import { workerHomeserverSettings, type WorkerTopology } from "./synapse-workers";

/** Where Synapse finds its database. */
export type SynapseDatabase =
  | {
      readonly kind: "postgres";
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly password: string;
      /** libpq's sslmode (an external server); absent: libpq's default. */
      readonly sslMode?: string;
    }
  | { readonly kind: "sqlite"; readonly path: string };

/** Inputs of {@link renderHomeserverYaml}; every path is as seen by the Synapse process. */
export interface HomeserverOptions {
  /** Matrix server name (`@alice:<serverName>`). */
  readonly serverName: string;
  /** Public client URL, e.g. `https://matrix.example.org/`. */
  readonly publicBaseUrl: string;
  /** The one HTTP listener (client, federation and openid) behind the proxy. */
  readonly listener: { readonly port: number; readonly bindAddresses: readonly string[] };
  readonly database: SynapseDatabase;
  readonly paths: {
    readonly signingKey: string;
    readonly mediaStore: string;
    /** Appservice registration files (`app_service_config_files`). */
    readonly registrations: readonly string[];
  };
  readonly turn: { readonly uris: readonly string[]; readonly sharedSecret: string };
  readonly registrationSharedSecret: string;
  readonly macaroonSecretKey: string;
  readonly formSecret: string;
  /**
   * Workers (Kubernetes target): main gains a replication listener on `replicationPort` and the
   * shared keys of {@link workerHomeserverSettings}. Absent: one process does everything.
   */
  readonly workers?: WorkerTopology & { readonly replicationPort: number };
  /** MatrixRTC calls (Element Call on LiveKit): see {@link matrixRtcSettings}. Absent: off. */
  readonly matrixRtc?: MatrixRtcTransport;
}

/** The LiveKit transport Synapse advertises (`GET /_matrix/client/unstable/org.matrix.msc4143/rtc/transports`). */
export interface MatrixRtcTransport {
  /** The SFU's websocket (`wss://sfu.example.org`): clients then ask their homeserver for a token. */
  readonly sfuUrl: string;
  /** The legacy authorisation service base (`.../atrium/rtc`) for clients that POST `sfu/get`. */
  readonly livekitServiceUrl: string;
}

/**
 * The homeserver settings MatrixRTC calls need, as Synapse 1.163.2 reads them (and as ESS sets
 * them):
 *
 * - `experimental_features`: `msc4143_enabled` (the `rtc/transports` endpoint, listing
 *   `matrix_rtc.transports`), `msc4222_enabled` (`state_after` in sync, for correct call state),
 *   `msc4512_enabled` (Synapse forwards `.../rtc/livekit/get_token` to the appservice whose
 *   registration carries `io.element.msc4512.proxy_prefix`), `msc4502_enabled` (the appservice
 *   may ask whether a user is joined to a room). MSC3266 (room summary) needs no flag any more:
 *   1.163.2 serves `/_matrix/client/v1/room_summary` and reads no `msc3266_enabled`.
 * - `max_event_delay_duration: 24h`: delayed events (MSC4140), which end a member's call state
 *   when their client vanishes; without them calls stay "ongoing".
 * - `rc_message` and `rc_delayed_event_mgmt`: call state and encryption keys are sent as room
 *   events and delayed-event refreshes, more often than Synapse's defaults allow.
 */
export function matrixRtcSettings(t: MatrixRtcTransport): Record<string, unknown> {
  return {
    experimental_features: {
      msc4143_enabled: true,
      msc4222_enabled: true,
      msc4512_enabled: true,
      msc4502_enabled: true,
    },
    matrix_rtc: {
      transports: [{ type: "livekit", url: t.sfuUrl, livekit_service_url: t.livekitServiceUrl }],
    },
    max_event_delay_duration: "24h",
    rc_message: { per_second: 0.5, burst_count: 30 },
    rc_delayed_event_mgmt: { per_second: 1, burst_count: 20 },
  };
}

/**
 * Renders homeserver.yaml: one listener for client, federation and openid behind a TLS proxy,
 * registration closed (accounts come from the shared-secret admin API), TURN via shared secret.
 */
export function renderHomeserverYaml(o: HomeserverOptions): string {
  const database =
    o.database.kind === "postgres"
      ? {
          name: "psycopg2",
          args: {
            user: o.database.user,
            password: o.database.password,
            database: o.database.database,
            host: o.database.host,
            port: o.database.port,
            ...(o.database.sslMode === undefined ? {} : { sslmode: o.database.sslMode }),
            cp_min: 5,
            cp_max: 10,
          },
        }
      : { name: "sqlite3", args: { database: o.database.path } };
  const config = {
    server_name: o.serverName,
    public_baseurl: o.publicBaseUrl,
    report_stats: false,
    listeners: [
      {
        port: o.listener.port,
        bind_addresses: [...o.listener.bindAddresses],
        type: "http",
        tls: false,
        // The proxy terminates TLS and sets X-Forwarded-For/Proto.
        x_forwarded: true,
        resources: [{ names: ["client", "federation", "openid"], compress: false }],
      },
    ],
    database,
    signing_key_path: o.paths.signingKey,
    media_store_path: o.paths.mediaStore,
    max_upload_size: "50M",
    enable_registration: false,
    registration_shared_secret: o.registrationSharedSecret,
    macaroon_secret_key: o.macaroonSecretKey,
    form_secret: o.formSecret,
    app_service_config_files: [...o.paths.registrations],
    turn_uris: [...o.turn.uris],
    turn_shared_secret: o.turn.sharedSecret,
    turn_user_lifetime: "1h",
    turn_allow_guests: false,
    // The proxy serves /.well-known/matrix/*.
    serve_server_wellknown: false,
    url_preview_enabled: false,
    trusted_key_servers: [{ server_name: "matrix.org" }],
    suppress_key_server_warning: true,
    ...(o.matrixRtc === undefined ? {} : matrixRtcSettings(o.matrixRtc)),
  };
  if (o.workers === undefined) return stringify(config);
  const replication = {
    port: o.workers.replicationPort,
    bind_addresses: [...o.listener.bindAddresses],
    type: "http",
    tls: false,
    resources: [{ names: ["replication"] }],
  };
  return stringify({
    ...config,
    listeners: [...config.listeners, replication],
    ...workerHomeserverSettings(o.workers),
  });
}
