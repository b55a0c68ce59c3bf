/** Pure rendering of the test Synapse's homeserver.yaml and signing key. */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as path from "node:path";
import { stringify } from "yaml";

/** Where Synapse keeps its data. */
export type SynapseDatabase =
  | { type: "sqlite"; path: string }
  | { type: "postgres"; host: string; port: number; user: string; database: string };

/** Everything {@link renderHomeserverYaml} needs; nothing is read from the environment. */
export interface HomeserverYamlInput {
  serverName: string;
  /** The one HTTP listener, on 127.0.0.1. */
  port: number;
  /** Media store, signing key and pid file go here. */
  dataDir: string;
  registrationSharedSecret: string;
  /** Secret for access-token macaroons; random per data dir. */
  macaroonSecretKey: string;
  database: SynapseDatabase;
  /** Absolute paths of appservice registration YAML files. */
  appserviceRegistrations?: string[];
  /** Top-level keys merged last (e.g. TURN settings); they win over the defaults. */
  extra?: Record<string, unknown>;
}

/** A rate limit that tests never hit. */
const UNLIMITED = { per_second: 10_000, burst_count: 100_000 };

/** Every Synapse rate limit a test could trip over, set to {@link UNLIMITED}. */
export function unlimitedRateLimits(): Record<string, unknown> {
  return {
    rc_message: UNLIMITED,
    rc_registration: UNLIMITED,
    rc_registration_token_validity: UNLIMITED,
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_admin_redaction: UNLIMITED,
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    rc_joins_per_room: UNLIMITED,
    rc_3pid_validation: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
    rc_third_party_invite: UNLIMITED,
    rc_media_create: UNLIMITED,
    rc_presence: { per_user: UNLIMITED },
    rc_delayed_event_mgmt: UNLIMITED,
    rc_room_creation: UNLIMITED,
    rc_reports: UNLIMITED,
    rc_user_directory: UNLIMITED,
    rc_profile: UNLIMITED,
    rc_key_requests: UNLIMITED,
  };
}

/** The config object behind {@link renderHomeserverYaml} (exported for tests). */
export function homeserverConfig(input: HomeserverYamlInput): Record<string, unknown> {
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(input.serverName)) {
    throw new Error(
      `serverName "${input.serverName}" is not a valid Matrix server name; use a host name like "localhost"`,
    );
  }
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) {
    throw new Error(`port ${input.port} is not a TCP port; pass 1..65535 (or omit it)`);
  }
  const database =
    input.database.type === "sqlite"
      ? { name: "sqlite3", args: { database: input.database.path } }
      : {
          name: "psycopg2",
          args: {
            user: input.database.user,
            database: input.database.database,
            host: input.database.host,
            port: input.database.port,
            cp_min: 1,
            cp_max: 5,
          },
        };
  return {
    server_name: input.serverName,
    public_baseurl: `http://127.0.0.1:${input.port}/`,
    pid_file: path.join(input.dataDir, "homeserver.pid"),
    listeners: [
      {
        port: input.port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        // "federation" already includes the "openid" servlet group that serves
        // /_matrix/federation/v1/openid/userinfo (Synapse skips "openid" when both are listed);
        // "openid" is listed so the endpoint stays if federation is ever dropped here.
        resources: [{ names: ["client", "federation", "openid"], compress: false }],
      },
    ],
    database,
    media_store_path: path.join(input.dataDir, "media_store"),
    signing_key_path: path.join(input.dataDir, "signing.key"),
    report_stats: false,
    enable_metrics: false,
    enable_registration: false,
    registration_shared_secret: input.registrationSharedSecret,
    macaroon_secret_key: input.macaroonSecretKey,
    suppress_key_server_warning: true,
    trusted_key_servers: [],
    url_preview_enabled: false,
    presence: { enabled: false },
    app_service_config_files: input.appserviceRegistrations ?? [],
    ...unlimitedRateLimits(),
    ...(input.extra ?? {}),
  };
}

/** Renders homeserver.yaml for a loopback-only test Synapse. Throws on an invalid name or port. */
export function renderHomeserverYaml(input: HomeserverYamlInput): string {
  return stringify(homeserverConfig(input));
}

/**
 * A fresh Synapse signing key file line, `ed25519 <key id> <unpadded base64 seed>`, the format
 * `signedjson.key.read_signing_keys` reads (what `--generate-keys` writes), without starting
 * Python.
 */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (!jwk.d) throw new Error("node did not export the ed25519 seed");
  const seed = Buffer.from(jwk.d, "base64url").toString("base64").replace(/=+$/, "");
  const keyId = `a_${randomBytes(2).toString("hex")}`;
  return `ed25519 ${keyId} ${seed}\n`;
}
