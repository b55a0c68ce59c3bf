/**
 * Pinned default images. Each can be overridden per stack with
 * `pulumi config set --path 'atrium:images.<key>' <image:tag>`. Check these tags against the
 * registries before a release: they were chosen by hand, not resolved by a tool.
 */
export const DEFAULT_IMAGES = {
  postgres: "postgres:16-alpine",
  synapse: "matrixdotorg/synapse:v1.163.2",
  coturn: "coturn/coturn:4.7.0",
  jitsiWeb: "jitsi/web:stable-10314",
  jitsiProsody: "jitsi/prosody:stable-10314",
  jitsiJicofo: "jitsi/jicofo:stable-10314",
  jitsiJvb: "jitsi/jvb:stable-10314",
  etherpad: "etherpad/etherpad:2.3.2",
  elementWeb: "vectorim/element-web:v1.11.100",
  caddy: "caddy:2.10.0-alpine",
} as const;

/** Names of the overridable images. */
export type ImageKey = keyof typeof DEFAULT_IMAGES;
export const IMAGE_KEYS = Object.keys(DEFAULT_IMAGES) as ImageKey[];

/** Repository of the appservice image built from `services/appservice/Dockerfile`; its tag
 * is the content hash of the build context (see source-hash.ts). */
export const APPSERVICE_IMAGE_REPO = "atrium/appservice";
