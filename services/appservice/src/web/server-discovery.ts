/**
 * Federation base URLs of foreign Matrix servers (for OpenID verification of users of other
 * allowed servers), found by the spec's server discovery (`.well-known/matrix/server`, SRV,
 * port 8448) as implemented and cached by matrix-appservice-bridge's MatrixHostResolver.
 * The bridge is loaded on first use, so modules that only build routes stay light.
 */
import type { MatrixHostResolver } from "matrix-appservice-bridge";
import type { ServerResolver } from "./openid";

/** A {@link ServerResolver} backed by one shared MatrixHostResolver (which caches results). */
export function discoveryResolver(): ServerResolver {
  let resolver: MatrixHostResolver | undefined;
  return async (serverName) => {
    if (!resolver) {
      const bridge = await import("matrix-appservice-bridge");
      resolver = new bridge.MatrixHostResolver();
    }
    const { url } = await resolver.resolveMatrixServer(serverName);
    return url.toString().replace(/\/+$/, "");
  };
}
