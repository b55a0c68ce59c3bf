/**
 * Pinned default images. Each can be overridden per stack with
 * `pulumi config set --path 'atrium:images.<key>' <image:tag>`. Registries cannot be queried from
 * where these were chosen, so each tag is justified by a release note or changelog (checked
 * 2026-09); check them against the registries before a release.
 */
export const DEFAULT_IMAGES = {
  /**
   * Major 16 stays: the data volume of existing stacks is a 16 cluster, and a major bump needs
   * pg_upgrade. 16.14 is the minor other projects pin in 2026 (an exact minor, not `16-alpine`).
   */
  postgres: "postgres:16.14-alpine",
  /** The version the integration tests run (tests/ and infra's Synapse venv are 1.163.2). */
  synapse: "matrixdotorg/synapse:v1.163.2",
  /**
   * 4.9.0 fixes CVE-2026-27624 (`::ffff:127.0.0.1` slipped past `denied-peer-ip`); 4.7.0 did
   * not. The default (Debian) variant; its turnutils_stunclient runs the healthcheck.
   */
  coturn: "coturn/coturn:4.9.0",
  /**
   * docker-jitsi-meet's current stable. Since stable-11146 the images are published on ghcr.io,
   * run rootless on a read-only root filesystem and the web nginx listens on 8000; the four
   * images must share one stable (checked by the config schema).
   */
  jitsiWeb: "ghcr.io/jitsi/web:stable-11248",
  jitsiProsody: "ghcr.io/jitsi/prosody:stable-11248",
  jitsiJicofo: "ghcr.io/jitsi/jicofo:stable-11248",
  jitsiJvb: "ghcr.io/jitsi/jvb:stable-11248",
  /** Latest 2.5 patch release (2.5.3); its API is the one REFERENCE.md §9 describes for 2.x. */
  etherpad: "etherpad/etherpad:2.5.3",
  /** Element Web's current 1.12 release. */
  elementWeb: "vectorim/element-web:v1.12.29",
  /**
   * >= 2.11.1 fixes CVE-2026-27585/27586/27587/27588/27589; 2.11.2 two more advisories
   * (GHSA-7r4p-vjf4-gxv4, GHSA-m2w3-8f23-hxxf). 2.11.4 is the newest 2.11 patch seen.
   */
  caddy: "caddy:2.11.4-alpine",
  /**
   * Kubernetes target only: the router in front of Synapse's workers. 3.2 is the LTS branch
   * (May 2025) ESS's router also runs; `balance hash` and `parse-resolv-conf` need >= 2.6.
   */
  haproxy: "haproxy:3.2.4-alpine",
  /** Kubernetes target only: Synapse's replication pub/sub (no persistence), as ESS runs it. */
  redis: "redis:7.4.5-alpine",
  /** The offsite copy of backups (only deployed when an S3 target is configured). */
  rclone: "rclone/rclone:1.75.1",
} as const;

/** Names of the overridable images. */
export type ImageKey = keyof typeof DEFAULT_IMAGES;
export const IMAGE_KEYS = Object.keys(DEFAULT_IMAGES) as ImageKey[];

/** The images of docker-jitsi-meet, which must all come from one stable release. */
export const JITSI_IMAGE_KEYS = ["jitsiWeb", "jitsiProsody", "jitsiJicofo", "jitsiJvb"] as const;

/** Repository of the appservice image built from `services/appservice/Dockerfile`; its tag
 * is the content hash of the build context (see source-hash.ts). */
export const APPSERVICE_IMAGE_REPO = "atrium/appservice";
