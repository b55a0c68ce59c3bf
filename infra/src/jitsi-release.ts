/**
 * What a docker-jitsi-meet image tag tells us about the containers it runs. The web port and
 * the root-filesystem mode changed between stables, so both are derived from the pinned tag
 * rather than written down once (a stale constant would send every Jitsi request to a closed
 * port after the next bump).
 */

/**
 * The first stable whose images run as an unprivileged user on a read-only root filesystem,
 * with the web container's nginx on 8000 instead of 80 (docker-jitsi-meet PR #2261
 * "refactor(web): use unprivileged ports 8000 and 8443", released in stable-11146).
 */
export const JITSI_ROOTLESS_BUILD = 11146;

/** The facts the components need about one docker-jitsi-meet release. */
export interface JitsiRelease {
  /** The stable build number, e.g. 11248 for `stable-11248` or `stable-11248-1`. */
  readonly build: number;
  /** The port the web container's nginx listens on for plain HTTP. */
  readonly webPort: 80 | 8000;
  /** Rootless, read-only images that need a writable tmpfs on /run and /tmp. */
  readonly rootless: boolean;
}

/** The tag, optionally followed by the digest `atrium:imageDigests` pins it to. */
const STABLE_TAG = /:stable-(\d+)(?:-\d+)?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * Reads a docker-jitsi-meet image reference (`ghcr.io/jitsi/web:stable-11248`). Throws when the
 * reference has no `stable-<build>` tag (a digest or `unstable`), since then nothing can say
 * which port its web container uses.
 */
export function jitsiRelease(image: string): JitsiRelease {
  const match = STABLE_TAG.exec(image);
  if (match === null) {
    throw new Error(
      `${image}: a Jitsi image needs a stable-<build> tag (e.g. stable-11248), from which its web port is derived`,
    );
  }
  const build = Number(match[1]);
  const rootless = build >= JITSI_ROOTLESS_BUILD;
  return { build, webPort: rootless ? 8000 : 80, rootless };
}
