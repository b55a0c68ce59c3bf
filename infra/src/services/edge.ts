/**
 * What the stack's edge serves itself on both targets (Caddy on Docker, the HAProxy router on
 * Kubernetes): the well-known documents. Each target renders them into its own proxy config.
 */
import { stackWellKnownClient } from "../calls";
import type { StackSettings } from "../config";
import { renderJitsiWellKnown, renderWellKnownServer } from "../render/well-known";

/** The three well-known documents, as JSON text. */
export interface StackWellKnown {
  /** `/.well-known/matrix/server` on `domain`. */
  readonly server: string;
  /** `/.well-known/matrix/client` on `domain` (homeserver, Jitsi, integrations, focus). */
  readonly client: string;
  /** `/.well-known/element/jitsi` on the Jitsi domain (its auth mode). */
  readonly jitsi: string;
}

/** The stack's well-known documents, the same on both targets. */
export function stackWellKnown(c: StackSettings): StackWellKnown {
  return {
    server: renderWellKnownServer(c.homeserverDomain),
    client: stackWellKnownClient(c),
    jitsi: renderJitsiWellKnown(c.jitsiAuth),
  };
}
