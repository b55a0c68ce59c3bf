/** The LiveKit SFU on Docker, rendered from its {@link livekitSpec} (services/livekit.ts). */
import * as pulumi from "@pulumi/pulumi";
import { livekitSpec } from "../services/livekit";
import { specContainer } from "./from-spec";
import type { StackArgs } from "./stack-args";

/**
 * LiveKit on the services network: the proxy reaches its signalling websocket and the
 * appservice its RoomService API on 7880 (never published); ICE on TCP 7881 and UDP 7882 is
 * published on the host, and candidates carry the host's public IP (`publicIp`). It keeps no
 * data: rooms live as long as their calls.
 */
export class Livekit extends pulumi.ComponentResource {
  /** livekit.yaml (secret: it holds the API secret). */
  readonly configYaml: pulumi.Output<string>;

  constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:infra:Livekit", name, {}, opts);
    const c = args.settings;
    const spec = livekitSpec(c, args.secrets, { ip: c.publicIp });
    this.configYaml = spec.configYaml;
    specContainer(name, spec, { networks: [{ network: args.networks.services }] }, this);
    this.registerOutputs({});
  }
}
