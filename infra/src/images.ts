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
   * There is no 4.9.x after 4.9.0 (coturn/coturn#1813 "Update version to 4.9.0" is followed by
   * #1864 "Update version to 4.10.0"), and the security fixes since landed in later minors:
   * IPv4-mapped IPv6 peer ACL bypasses CVE-2026-27624 / CVE-2026-53450 (4.10.0 / 4.13.0; the
   * IPv4-in-IPv6 encodings, coturn/coturn#1945), CVE-2026-40613 (4.10.0), STUN length
   * truncation CVE-2026-68552 and a pre-auth heap disclosure CVE-2026-62959 (4.15.0), a DTLS
   * pre-cookie DoS CVE-2026-73214 (4.16.0); 4.17+ opens DTLS only with --dtls. Table and the
   * advice to skip 4.17.0/4.17.1: jitsi/infra-provisioning#1208 (2026-09-16), which moves to
   * 4.18.0. Not read here: coturn's own 4.18.0 release notes (GitHub is unreachable). The
   * default (Debian) variant; its turnutils_stunclient runs the healthcheck.
   */
  coturn: "coturn/coturn:4.18.0",
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
   * 3.2.19 is the newest 3.2 patch seen (OpenIndiana/oi-userland#26790 "haproxy: update to
   * 3.2.19"; wener.me's HAProxy version table lists 3.2.19 as 3.2's latest). haproxy.org's
   * 3.2 changelog could not be read from here; the Docker Hub tag follows docker-library/haproxy.
   */
  haproxy: "haproxy:3.2.19-alpine",
  /**
   * Kubernetes target only: Synapse's replication pub/sub (no persistence), as ESS runs it.
   * >= 7.4.6 fixes the Lua use-after-free CVE-2025-49844 (and CVE-2025-46817/46818/46819);
   * 7.4.8 a reply-injection fix (redis/docs#2924); 7.4.10 an urgent stream RESTORE
   * use-after-free (RCE) fix (redis/docs#3702; docker-library/official-images#21922, and
   * #21927 adding the 7.4.10 image).
   */
  redis: "redis:7.4.10-alpine",
  /**
   * The MatrixRTC SFU (Element Call's media), deployed unless `atrium:calls` is `jitsi`. v1.13.5
   * is the release ESS Community pins (element-hq/ess-helm `charts/matrix-stack`, see
   * MATRIXRTC.md); its config keys are checked against livekit/livekit `config-sample.yaml`.
   */
  livekit: "livekit/livekit-server:v1.13.5",
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
