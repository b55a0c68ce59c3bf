/**
 * The LiveKit SFU on Kubernetes: one pod on a node labelled for it, ICE on that node's TCP 7881
 * and UDP 7882 through hostPorts, advertising the node's own address (ESS's "Host IP" mode:
 * `node_ip` from `status.hostIP`, element-hq/ess-helm `matrix-rtc/_sfu_helpers.tpl`; its
 * `HostPort` exposure type). A Service for the signalling websocket (through the Ingress) and
 * the RoomService API (the appservice); the config, with the API secret, in a Secret.
 *
 * One replica: LiveKit spreads rooms over several nodes only through Redis, and a room lives on
 * one node anyway. Recreate, since the new pod needs the same hostPorts.
 */
import * as pulumi from "@pulumi/pulumi";
import { nodeSelector } from "../kubernetes-schema";
import { livekitSpec } from "../services/livekit";
import { specDeployment } from "./from-spec";
import { resources, scratch, type KubeContext } from "./meta";

/** A user with no files of its own in the image (Alpine's nobody); LiveKit writes nothing. */
const LIVEKIT_UID = 65534;

/** LiveKit as one pod on the SFU node, ICE on that node's ports. */
export class Livekit extends pulumi.ComponentResource {
  /** livekit.yaml (secret: it holds the API secret). */
  readonly configYaml: pulumi.Output<string>;

  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Livekit", name, {}, opts);
    const spec = livekitSpec(ctx.settings, ctx.secrets, "node");
    this.configYaml = spec.configYaml;
    specDeployment(
      ctx,
      name,
      spec,
      {
        replicas: "single",
        user: LIVEKIT_UID,
        readOnlyRoot: true,
        resources: resources("500m", "256Mi", "2Gi"),
        startupMinutes: 1,
        volumes: [scratch("tmp", "/tmp", "16Mi")],
        // LiveKit's --node-ip flag reads NODE_IP: the address put in ICE candidates.
        container: {
          env: [{ name: "NODE_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }],
        },
        pod: {
          nodeSelector: nodeSelector(ctx.k.sfuNodeLabel),
          automountServiceAccountToken: false,
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
