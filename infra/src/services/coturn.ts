/** coturn, TURN for 1:1 calls (credentials from the secret Synapse shares), for both targets. */
import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../config";
import { renderTurnserverConf } from "../render/turnserver";
import type { ServicePort, ServiceSpec } from "./spec";

/** Inputs of {@link coturnSpec}. */
export interface CoturnOptions {
  /** The address relay candidates carry; unset where coturn sees the node's own (host network). */
  readonly externalIp?: string;
}

/** coturn's spec plus its UDP relay range, which a target publishes or reaches directly. */
export interface CoturnSpec extends ServiceSpec {
  /** One port per relay port, in order. */
  readonly relayPorts: readonly ServicePort[];
  /** The rendered turnserver.conf (also in `files`). */
  readonly turnserverConf: pulumi.Output<string>;
}

/**
 * coturn reading its turnserver.conf (shared secret, realm, ports, denied peers), listening on
 * `turnPort` over UDP and TCP, relaying over `turnRelayMinPort`..`turnRelayMaxPort`.
 */
export function coturnSpec(
  c: StackSettings,
  sharedSecret: pulumi.Output<string>,
  o: CoturnOptions,
): CoturnSpec {
  const conf = sharedSecret.apply((secret) =>
    renderTurnserverConf({
      realm: c.domain,
      sharedSecret: secret,
      listeningPort: c.turnPort,
      relayMinPort: c.turnRelayMinPort,
      relayMaxPort: c.turnRelayMaxPort,
      ...(o.externalIp === undefined ? {} : { externalIp: o.externalIp }),
      pidFile: "/tmp/turnserver.pid",
    }),
  );
  const relayPorts: ServicePort[] = [];
  for (let p = c.turnRelayMinPort; p <= c.turnRelayMaxPort; p++) {
    relayPorts.push({ name: `relay-${p}`, port: p, protocol: "udp", outside: true });
  }
  return {
    name: "coturn",
    image: c.images.coturn,
    args: ["-c", "/etc/coturn/turnserver.conf"],
    env: {},
    files: [{ dir: "/etc/coturn", name: "turnserver.conf", content: conf }],
    ports: [
      { name: "turn-udp", port: c.turnPort, protocol: "udp", outside: true },
      { name: "turn-tcp", port: c.turnPort, protocol: "tcp", outside: true },
    ],
    stateDirs: ["/var/lib/coturn"],
    health: { command: ["turnutils_stunclient", "-p", String(c.turnPort), "127.0.0.1"] },
    relayPorts,
    turnserverConf: conf,
  };
}
