/**
 * The LiveKit SFU's config (livekit.yaml). LiveKit parses it strictly (`decoder.KnownFields`,
 * livekit/livekit `pkg/config/config.go`): an unknown key stops the server, so
 * `livekit.test.ts` checks every key path against LiveKit's documented `config-sample.yaml`.
 */
import { stringify } from "yaml";

/** Inputs of {@link renderLivekitYaml}. */
export interface LivekitOptions {
  /** HTTP port: signalling websocket (behind the proxy) and the RoomService API (private). */
  readonly port: number;
  /** ICE over TCP, reachable from clients (never behind a proxy or TLS). */
  readonly rtcTcpPort: number;
  /** ICE over UDP: every call muxed onto this single port. */
  readonly rtcUdpPort: number;
  /**
   * The address advertised in ICE candidates. `{ ip }`: this address (the Docker host's public
   * IP). `"node"`: the address LiveKit is given at start (`NODE_IP`, the node's own address on
   * Kubernetes). Never STUN to a third party: Atrium knows its addresses.
   */
  readonly advertise: { readonly ip: string } | "node";
  /** The API key and its secret (at least 32 characters; LiveKit refuses shorter ones). */
  readonly apiKey: string;
  readonly apiSecret: string;
  /** Atrium's webhook receiver (signed with `apiKey`'s secret). */
  readonly webhookUrl: string;
}

/**
 * Renders livekit.yaml:
 *
 * - `room.auto_create: false`: a client's token cannot open a room; only Atrium creates one
 *   (RoomService `CreateRoom`) for a call it allowed.
 * - `turn.enabled: false`, no `rtc.turn_servers`: clients reach the SFU's public address
 *   directly on TCP `rtcTcpPort` or UDP `rtcUdpPort`. Atrium's coturn cannot serve LiveKit
 *   clients: `rtc.turn_servers` takes only a fixed `username`/`credential` (`TURNServer` in
 *   config.go), while coturn issues only short-lived shared-secret credentials, and a fixed one
 *   would be a TURN pass for everyone who ever joined a call. LiveKit's own TURN needs a TLS
 *   certificate and port 443/5349 of its own to help the one case left (networks that allow
 *   only TLS on 443); ESS ships it off too (`config-underrides.yaml.tpl`).
 * - `keys` inline: the file is a secret (a Docker upload, a Kubernetes Secret).
 */
export function renderLivekitYaml(o: LivekitOptions): string {
  if (o.apiSecret.length < 32) {
    throw new Error("the LiveKit API secret needs at least 32 characters (LiveKit refuses it)");
  }
  return stringify({
    port: o.port,
    rtc: {
      tcp_port: o.rtcTcpPort,
      udp_port: o.rtcUdpPort,
      use_external_ip: false,
      ...(o.advertise === "node" ? {} : { node_ip: o.advertise.ip }),
    },
    turn: { enabled: false },
    room: { auto_create: false },
    keys: { [o.apiKey]: o.apiSecret },
    webhook: { api_key: o.apiKey, urls: [o.webhookUrl] },
    logging: { level: "info", json: true },
  });
}
