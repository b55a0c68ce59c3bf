/**
 * Federation base URLs of foreign Matrix servers (for OpenID verification of users of other
 * allowed servers), found by the spec's server discovery (`.well-known/matrix/server`, SRV,
 * port 8448) as implemented and cached by matrix-appservice-bridge's MatrixHostResolver.
 */
import { MatrixHostResolver } from "matrix-appservice-bridge";
import type { ServerResolver } from "./openid";

/** A {@link ServerResolver} backed by one shared MatrixHostResolver (which caches results). */
export function discoveryResolver(): ServerResolver {
  const resolver = new MatrixHostResolver();
  return async (serverName) => {
    const { url } = await resolver.resolveMatrixServer(serverName);
    return url.toString().replace(/\/+$/, "");
  };
}
