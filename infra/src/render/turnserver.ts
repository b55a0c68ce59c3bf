/** coturn's turnserver.conf. */

/**
 * Peer addresses the relay must never reach: private, loopback, link-local (cloud metadata at
 * 169.254.169.254), CGNAT, documentation, benchmark, multicast and reserved ranges, v4 and v6.
 * Without these a TURN user could relay into the Docker network or the host's LAN.
 */
export const DENIED_PEER_RANGES: readonly string[] = [
  "0.0.0.0-0.255.255.255",
  "10.0.0.0-10.255.255.255",
  "100.64.0.0-100.127.255.255",
  "127.0.0.0-127.255.255.255",
  "169.254.0.0-169.254.255.255",
  "172.16.0.0-172.31.255.255",
  "192.0.0.0-192.0.0.255",
  "192.0.2.0-192.0.2.255",
  "192.88.99.0-192.88.99.255",
  "192.168.0.0-192.168.255.255",
  "198.18.0.0-198.19.255.255",
  "198.51.100.0-198.51.100.255",
  "203.0.113.0-203.0.113.255",
  "224.0.0.0-239.255.255.255",
  "240.0.0.0-255.255.255.255",
  "::1",
  "::ffff:0.0.0.0-::ffff:255.255.255.255",
  // The discard-only prefix 100::/64 (RFC 6666).
  "100::-100::ffff:ffff:ffff:ffff",
  "64:ff9b::-64:ff9b::ffff:ffff",
  "64:ff9b:1::-64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
  "2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
  "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
  "2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
];

/** Inputs of {@link renderTurnserverConf}. */
export interface TurnserverOptions {
  /** Realm; use the Matrix server name. */
  readonly realm: string;
  /** Shared with Synapse's `turn_shared_secret`. */
  readonly sharedSecret: string;
  readonly listeningPort: number;
  readonly relayMinPort: number;
  readonly relayMaxPort: number;
  /** Public address advertised in relay candidates (the host's IP when behind Docker NAT). */
  readonly externalIp?: string;
  /** Addresses to listen on; coturn listens on all when empty. */
  readonly listeningIps?: readonly string[];
  /**
   * Allocations per user (default 12) and in total. Each allocation holds one relay port, so
   * the total defaults to the size of the relay range: a larger quota could never be reached.
   */
  readonly userQuota?: number;
  readonly totalQuota?: number;
  /**
   * Where the pid file goes. coturn's default is under /var/run, which the coturn image's
   * unprivileged user cannot write; the component puts it in /tmp.
   */
  readonly pidFile?: string;
}

/**
 * Renders turnserver.conf: time-limited credentials from the shared secret (`use-auth-secret`),
 * UDP relay only, private and special ranges denied (except the host's own address), quotas,
 * no TLS (no certificate here).
 */
export function renderTurnserverConf(o: TurnserverOptions): string {
  const relayPorts = o.relayMaxPort - o.relayMinPort + 1;
  const totalQuota = o.totalQuota ?? relayPorts;
  const userQuota = Math.min(o.userQuota ?? 12, totalQuota);
  const lines = [
    `listening-port=${o.listeningPort}`,
    ...(o.listeningIps ?? []).map((ip) => `listening-ip=${ip}`),
    ...(o.externalIp === undefined ? [] : [`external-ip=${o.externalIp}`]),
    `min-port=${o.relayMinPort}`,
    `max-port=${o.relayMaxPort}`,
    `realm=${o.realm}`,
    "use-auth-secret",
    `static-auth-secret=${o.sharedSecret}`,
    "fingerprint",
    "no-tcp-relay",
    "no-multicast-peers",
    "no-tls",
    "no-dtls",
    "no-cli",
    "no-software-attribute",
    `user-quota=${userQuota}`,
    `total-quota=${totalQuota}`,
    ...DENIED_PEER_RANGES.map((r) => `denied-peer-ip=${r}`),
    // The host's own public address is inside no allowed range when it is a documentation or
    // private address, and is where the Jitsi bridge listens: relaying there must work. An
    // allowed address wins over a denied range in coturn.
    ...(o.externalIp === undefined ? [] : [`allowed-peer-ip=${o.externalIp}`]),
    "log-file=stdout",
    ...(o.pidFile === undefined ? [] : [`pidfile=${o.pidFile}`]),
  ];
  return `${lines.join("\n")}\n`;
}
