/**
 * The SSRF rule of the feed fetcher, applied to the address actually dialled: DNS is resolved
 * here, every answer is checked, and the socket connects to the checked answer. A name that
 * resolves differently on a second lookup (DNS rebinding) gains nothing.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { parseAllowEntry } from "./config";

/** ipaddr.js range names that are public unicast, per family. */
const PUBLIC_V4 = new Set(["unicast"]);
const PUBLIC_V6 = new Set(["unicast"]);

/** Refused: the address is not public and the operator did not allow it. */
export class BlockedAddressError extends Error {
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`refused to connect to ${address} (${range} address)`);
    this.name = "BlockedAddressError";
  }
}

/** The range of a non-public address (after unwrapping IPv4-mapped IPv6), else null. */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "invalid";
  // process() unwraps ::ffff:a.b.c.d so a mapped loopback is judged as IPv4 loopback.
  const addr = ipaddr.process(address);
  const range = addr.range();
  if (addr.kind() === "ipv4") {
    // 0.0.0.0/8 ("this network") reaches the local host on Linux; ipaddr.js calls it unspecified.
    return PUBLIC_V4.has(range) ? null : range;
  }
  // IPv6: only global unicast. NAT64, 6to4, Teredo and mapped forms embed IPv4 addresses that
  // could be internal, so they are refused with the rest (a feed host rarely has only those).
  return PUBLIC_V6.has(range) ? null : range;
}

/** Exact (address, port) pairs the operator allowed. */
export class AllowList {
  private readonly pairs: Set<string>;
  constructor(entries: readonly string[]) {
    this.pairs = new Set(
      entries.flatMap((e) => {
        const parsed = parseAllowEntry(e);
        return parsed ? [`${parsed.address}|${parsed.port}`] : [];
      }),
    );
  }
  allows(address: string, port: number): boolean {
    if (!ipaddr.isValid(address)) return false;
    return this.pairs.has(`${ipaddr.process(address).toString()}|${port}`);
  }
}

/** Throws BlockedAddressError unless `address:port` is public or allow-listed. */
export function checkAddress(address: string, port: number, allow: AllowList): void {
  const range = nonPublicRange(address);
  if (range !== null && !allow.allows(address, port)) throw new BlockedAddressError(address, range);
}

type Resolve = (
  hostname: string,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolve: Resolve = (hostname, callback) =>
  dnsLookup(hostname, { all: true, verbatim: true }, callback);

/**
 * A `lookup` for http.request/net.connect that refuses the whole name when any answer is
 * refused (a name mixing public and internal answers is an attack, not a mistake).
 * `onBlocked` is told each refusal (for the metric).
 */
export function guardedLookup(
  port: number,
  allow: AllowList,
  onBlocked: (error: BlockedAddressError) => void,
  resolve: Resolve = systemResolve,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const wanted =
        options.family === 4 || options.family === 6
          ? addresses.filter((a) => a.family === options.family)
          : addresses;
      if (wanted.length === 0) {
        const e: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
        e.code = "ENOTFOUND";
        return callback(e, "", 0);
      }
      try {
        for (const a of wanted) checkAddress(a.address, port, allow);
      } catch (error: unknown) {
        if (error instanceof BlockedAddressError) onBlocked(error);
        return callback(error as NodeJS.ErrnoException, "", 0);
      }
      if (options.all) return (callback as unknown as AllCallback)(null, wanted);
      const first = wanted[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;
