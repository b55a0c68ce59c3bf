/**
 * coturn on Kubernetes: a DaemonSet on the nodes labelled for TURN, on the host's network (a
 * relay range cannot go through Services; Wire's coturn chart and instrumentisto's image do
 * the same), rendered from the same {@link coturnSpec} as the Docker target.
 */
import * as pulumi from "@pulumi/pulumi";
import { nodeSelector } from "../kubernetes-schema";
import { coturnSpec } from "../services/coturn";
import { appName, specPods } from "./from-spec";
import { resources, scratch, type KubeContext } from "./meta";
import { daemonSet } from "./workload";

/** The coturn image's user (nobody). */
const COTURN_UID = 65534;

/** coturn as a DaemonSet on the TURN nodes' host network. */
export class Turn extends pulumi.ComponentResource {
  readonly turnserverConf: pulumi.Output<string>;

  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Turn", name, {}, opts);
    const c = ctx.settings;
    // No external-ip: on the host network coturn sees the node's own addresses, and each node
    // relays from its own; TURN nodes need public addresses (see README).
    const spec = coturnSpec(c, ctx.secrets.get("turnSharedSecret"), {});
    this.turnserverConf = spec.turnserverConf;
    const pods = specPods(
      ctx,
      `${name}-config`,
      spec,
      {
        user: COTURN_UID,
        readOnlyRoot: true,
        resources: resources("100m", "64Mi", "512Mi"),
        hostPorts: true,
        startupMinutes: 1,
        // The relay's state is disposable: each node keeps its own in an emptyDir.
        volumes: [
          scratch("tmp", "/tmp", "16Mi"),
          ...spec.stateDirs.map((dir, i) => scratch(`state${i === 0 ? "" : i}`, dir, "16Mi")),
        ],
        // The image's turnserver carries CAP_NET_BIND_SERVICE as a file capability (coturn's
        // docker/coturn/debian/Dockerfile: setcap); the kernel refuses to exec it when that
        // capability is outside the bounding set, so it stays there (jitsi-helm
        // docs/guides/security.md does the same). Unverified without a cluster: that the exec
        // then succeeds as nobody.
        keepCapabilities: ["NET_BIND_SERVICE"],
        pod: {
          hostNetwork: true,
          dnsPolicy: "ClusterFirstWithHostNet",
          nodeSelector: nodeSelector(ctx.k.turnNodeLabel),
        },
      },
      this,
    );
    daemonSet(ctx, name, appName(spec), pods, { parent: this });
    this.registerOutputs({});
  }
}
