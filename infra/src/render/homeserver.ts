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
