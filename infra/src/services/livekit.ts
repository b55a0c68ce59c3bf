/**
 * The LiveKit SFU as both targets run it: Element Call's media, with Atrium as its only
 * authorisation service. Signalling and the RoomService API on 7880 stay inside; ICE on TCP
 * 7881 and UDP 7882 is reached from outside. It keeps no data: rooms live as long as their calls.
 */
import type * as pulumi from "@pulumi/pulumi";
import { LIVEKIT_API_KEY, matrixRtcUrls } from "../calls";
import { PORTS } from "../components/names";
import type { Secrets } from "../components/secrets";
import type { StackSettings } from "../config";
import { renderLivekitYaml, type LivekitOptions } from "../render/livekit";
import type { ServiceSpec } from "./spec";

/** LiveKit's spec plus its rendered livekit.yaml (secret: it holds the API secret). */
export interface LivekitSpec extends ServiceSpec {
  readonly configYaml: pulumi.Output<string>;
}

/** LiveKit advertising `advertise` in its ICE candidates (an address, or the node's own). */
export function livekitSpec(
  c: StackSettings,
  s: Secrets,
  advertise: LivekitOptions["advertise"],
): LivekitSpec {
  const configYaml = s.get("livekitApiSecret").apply((apiSecret) =>
    renderLivekitYaml({
      port: PORTS.livekit,
      rtcTcpPort: PORTS.livekitRtcTcp,
      rtcUdpPort: PORTS.livekitRtcUdp,
      advertise,
      apiKey: LIVEKIT_API_KEY,
      apiSecret,
      webhookUrl: matrixRtcUrls(c).webhookUrl,
    }),
  );
  return {
    name: "livekit",
    image: c.images.livekit,
    args: ["--config", "/etc/livekit/livekit.yaml"],
    env: {},
    files: [{ dir: "/etc/livekit", name: "livekit.yaml", content: configYaml }],
    ports: [
      { name: "http", port: PORTS.livekit, protocol: "tcp" },
      { name: "rtc-tcp", port: PORTS.livekitRtcTcp, protocol: "tcp", outside: true },
      { name: "rtc-udp", port: PORTS.livekitRtcUdp, protocol: "udp", outside: true },
    ],
    stateDirs: [],
    // LiveKit answers "OK" on / once it serves. The image is Alpine's: busybox wget.
    health: {
      http: { path: "/", port: "http" },
      inside: `wget -q -O /dev/null http://127.0.0.1:${PORTS.livekit}/ || exit 1`,
    },
    configYaml,
  };
}
