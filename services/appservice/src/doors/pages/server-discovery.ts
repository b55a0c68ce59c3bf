/**
 * Federation base URLs of foreign Matrix servers (for OpenID verification of users of other
 * allowed servers), found by the spec's server discovery (`.well-known/matrix/server`, SRV,
 * port 8448) as implemented and cached by matrix-appservice-bridge's MatrixHostResolver.
 * The bridge is loaded on first use, so modules that only build routes stay light.
 *
 * Discovery is steered by whoever controls the foreign server's web site: a `.well-known`
 * naming `127.0.0.1:8080` or `169.254.169.254` would make Atrium send requests (with a user's
 * OpenID token) into its own network. So the target is checked after discovery: a host that
 * is, or resolves to, a loopback, private, link-local or otherwise non-public address is
 * refused unless the operator allows it (`permissions.allowPrivateFederation`, for a private
 * federation). The check runs on the addresses DNS gives at this moment; the request made
 * right after resolves again, so a DNS answer that changes in between is not covered.
 */
import { lookup } from "node:dns/promises";
import type { MatrixHostResolver } from "matrix-appservice-bridge";
import { nonPublicAddress } from "@atrium/widgets";
import { AccessError } from "../../matrix/access-error";
import type { ServerResolver } from "./openid";

export interface DiscoveryOptions {
  /** Accept targets on loopback, private or link-local addresses. Default false. */
  allowPrivate?: boolean;
  /** Resolves a host name to its addresses (tests replace it). Default: the system resolver. */
  lookupAll?: (host: string) => Promise<string[]>;
  /** Does the discovery itself (tests replace it). Default: MatrixHostResolver. */
  discover?: (serverName: string) => Promise<URL>;
}

const systemLookup = async (host: string): Promise<string[]> =>
  (await lookup(host, { all: true })).map((a) => a.address);

/**
 * Why `url`'s host may not be contacted: it is, or resolves to, a non-public address.
 * Undefined when every address is public.
 */
export async function privateTargetReason(
  url: URL,
  lookupAll: (host: string) => Promise<string[]> = systemLookup,
): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this machine`;
  const addresses =
    nonPublicAddress(host) || /^[\d.]+$|:/.test(host) ? [host] : await lookupAll(host);
  for (const address of addresses) {
    const found = nonPublicAddress(address);
    if (found) return `${host} is ${found.address}, ${found.description}`;
  }
  return undefined;
}

/** A {@link ServerResolver} backed by one shared MatrixHostResolver (which caches results). */
export function discoveryResolver(opts: DiscoveryOptions = {}): ServerResolver {
  let resolver: MatrixHostResolver | undefined;
  const discover =
    opts.discover ??
    (async (serverName: string) => {
      if (!resolver) {
        const bridge = await import("matrix-appservice-bridge");
        resolver = new bridge.MatrixHostResolver();
      }
      return (await resolver.resolveMatrixServer(serverName)).url;
    });
  return async (serverName) => {
    const url = await discover(serverName);
    if (!opts.allowPrivate) {
      const reason = await privateTargetReason(url, opts.lookupAll);
      if (reason) {
        throw new AccessError(
          502,
          "M_UNKNOWN",
          `${serverName}'s server discovery points at a non-public address (${reason}); Atrium does not contact it. An operator running a private federation can allow it with permissions.allowPrivateFederation.`,
        );
      }
    }
    return url.toString().replace(/\/+$/, "");
  };
}
