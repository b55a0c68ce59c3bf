/** The LiveKit SFU: Element Call's media, with Atrium as its only authorisation service. */
import * as pulumi from "@pulumi/pulumi";
import { LIVEKIT_API_KEY, matrixRtcUrls } from "../calls";
import type { StackSettings } from "../config";
import { renderLivekitYaml } from "../render/livekit";
import { pinnedImage, serviceContainer } from "./container";
import { HOSTS, PORTS } from "./names";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** Inputs of {@link Livekit}. */
export interface LivekitArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
}

/** Where the rendered config lives in the container. */
export const LIVEKIT_CONFIG_PATH = "/etc/livekit/livekit.yaml";

/**
 * LiveKit on the services network: the proxy reaches its signalling websocket and the
 * appservice its RoomService API on 7880 (never published); ICE on TCP 7881 and UDP 7882 is
 * published on the host, and candidates carry the host's public IP (`publicIp`). It keeps no
 * data: rooms live as long as their calls.
 */
export class Livekit extends pulumi.ComponentResource {
  /** livekit.yaml (secret: it holds the API secret). */
  readonly configYaml: pulumi.Output<string>;

  constructor(name: string, args: LivekitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Livekit", name, {}, opts);
    const c = args.settings;
    this.configYaml = args.secrets.get("livekitApiSecret").apply((apiSecret) =>
      renderLivekitYaml({
        port: PORTS.livekit,
        rtcTcpPort: PORTS.livekitRtcTcp,
        rtcUdpPort: PORTS.livekitRtcUdp,
        advertise: { ip: c.publicIp },
        apiKey: LIVEKIT_API_KEY,
        apiSecret,
        webhookUrl: matrixRtcUrls(c).webhookUrl,
      }),
    );
    const image = pinnedImage(`${name}-image`, c.images.livekit, { parent: this });
    serviceContainer(
      name,
      {
        name: HOSTS.livekit,
        image: image.imageId,
        networks: [{ network: args.networks.services }],
        command: ["--config", LIVEKIT_CONFIG_PATH],
        ports: [
          { internal: PORTS.livekitRtcTcp, external: PORTS.livekitRtcTcp, protocol: "tcp" },
          { internal: PORTS.livekitRtcUdp, external: PORTS.livekitRtcUdp, protocol: "udp" },
        ],
        uploads: [{ path: LIVEKIT_CONFIG_PATH, content: this.configYaml }],
        // The image is Alpine's: busybox wget. LiveKit answers "OK" on / once it serves.
        healthcheck: [
          "CMD-SHELL",
          `wget -q -O /dev/null http://127.0.0.1:${PORTS.livekit}/ || exit 1`,
        ],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
