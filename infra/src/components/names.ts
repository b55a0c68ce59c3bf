/** Container names (their DNS names on the private networks) and internal ports. */
export const HOSTS = {
  postgres: "atrium-postgres",
  postgresRoles: "atrium-postgres-roles",
  synapse: "atrium-synapse",
  coturn: "atrium-coturn",
  jitsiWeb: "atrium-jitsi-web",
  prosody: "atrium-jitsi-prosody",
  jicofo: "atrium-jitsi-jicofo",
  jvb: "atrium-jitsi-jvb",
  etherpad: "atrium-etherpad",
  appservice: "atrium-appservice",
  elementWeb: "atrium-element-web",
  proxy: "atrium-caddy",
  livekit: "atrium-livekit",
  backup: "atrium-backup",
  backupOffsite: "atrium-backup-offsite",
} as const;

/**
 * Internal ports. Jitsi web's port depends on the image release: see `jitsiRelease()` in
 * jitsi-release.ts.
 */
export const PORTS = {
  postgres: 5432,
  synapse: 8008,
  etherpad: 9001,
  /** The appservice listener Synapse calls. */
  appservice: 9000,
  /** The appservice's web listener: pad pages and Jitsi's user verification. */
  appserviceWeb: 9001,
  /** The appservice's integration manager listener (private; the proxy publishes it). */
  appserviceIm: 9002,
  elementWeb: 80,
  /** LiveKit's HTTP port: signalling websocket (public through the proxy) and RoomService API. */
  livekit: 7880,
  /** LiveKit's ICE over TCP, published on the host (cannot sit behind a proxy or TLS). */
  livekitRtcTcp: 7881,
  /** LiveKit's ICE over UDP, every call muxed onto this one port, published on the host. */
  livekitRtcUdp: 7882,
} as const;

/** The Postgres databases: one per service, each with its own owner. */
export const DATABASES = {
  synapse: {
    name: "synapse",
    owner: "synapse",
    passwordEnv: "SYNAPSE_DB_PASSWORD",
    cCollation: true,
  },
  etherpad: {
    name: "etherpad",
    owner: "etherpad",
    passwordEnv: "ETHERPAD_DB_PASSWORD",
    cCollation: false,
  },
  atrium: { name: "atrium", owner: "atrium", passwordEnv: "ATRIUM_DB_PASSWORD", cCollation: false },
} as const;

/**
 * The Jitsi JWT app id (`iss`, and `aud`, which the appservice's tokens set to the app id):
 * prosody's JWT_APP_ID / JWT_ACCEPTED_ISSUERS / JWT_ACCEPTED_AUDIENCES and the appservice's
 * `jitsi.jwtAppId` must agree.
 */
export const JITSI_JWT_APP_ID = "atrium";
