/**
 * coturn on Kubernetes: a DaemonSet on the nodes labelled for TURN, on the host's network (a
 * relay range cannot go through Services; Wire's coturn chart and instrumentisto's image do
 * the same), with the Docker target's turnserver.conf.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nodeSelector } from "../kubernetes-schema";
import { renderTurnserverConf } from "../render/turnserver";
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  execProbe,
  hardened,
  labels,
  meta,
  podSecurity,
  probes,
  resources,
  scratch,
  secretOf,
  type KubeContext,
} from "./meta";

/** The coturn image's user (nobody). */
const COTURN_UID = 65534;

export class Turn extends pulumi.ComponentResource {
  readonly turnserverConf: pulumi.Output<string>;

  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Turn", name, {}, opts);
    const c = ctx.settings;
    // No external-ip: on the host network coturn sees the node's own addresses, and each node
    // relays from its own; TURN nodes need public addresses (see README).
    this.turnserverConf = ctx.secrets.get("turnSharedSecret").apply((sharedSecret) =>
      renderTurnserverConf({
        realm: c.domain,
        sharedSecret,
        listeningPort: c.turnPort,
        relayMinPort: c.turnRelayMinPort,
        relayMaxPort: c.turnRelayMaxPort,
        pidFile: "/tmp/turnserver.pid",
      }),
    );
    secretOf(
      ctx,
      `${name}-config`,
      "atrium-coturn",
      { "turnserver.conf": this.turnserverConf },
      this,
    );
    const app = "atrium-coturn";
    const tmp = scratch("tmp", "/tmp", "16Mi");
    const state = scratch("state", "/var/lib/coturn", "16Mi");
    new k8s.apps.v1.DaemonSet(
      name,
      {
        metadata: meta(ctx, app, { labels: labels(app) }),
        spec: {
          selector: { matchLabels: labels(app) },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: {
              labels: labels(app),
              annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.turnserverConf) },
            },
            spec: {
              hostNetwork: true,
              dnsPolicy: "ClusterFirstWithHostNet",
              nodeSelector: nodeSelector(ctx.k.turnNodeLabel),
              securityContext: podSecurity(),
              containers: [
                {
                  name: "coturn",
                  image: c.images.coturn,
                  args: ["-c", "/etc/coturn/turnserver.conf"],
                  ports: [
                    {
                      name: "turn-udp",
                      containerPort: c.turnPort,
                      hostPort: c.turnPort,
                      protocol: "UDP",
                    },
                    {
                      name: "turn-tcp",
                      containerPort: c.turnPort,
                      hostPort: c.turnPort,
                      protocol: "TCP",
                    },
                  ],
                  ...probes(
                    execProbe(["turnutils_stunclient", "-p", String(c.turnPort), "127.0.0.1"]),
                    1,
                  ),
                  // The image's turnserver carries CAP_NET_BIND_SERVICE as a file capability
                  // (coturn's docker/coturn/debian/Dockerfile: setcap); the kernel refuses to
                  // exec it when that capability is outside the bounding set, so it stays
                  // there (jitsi-helm docs/guides/security.md does the same). Unverified
                  // without a cluster: that the exec then succeeds as nobody.
                  securityContext: {
                    ...hardened({ user: COTURN_UID, readOnlyRoot: true }),
                    capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
                  },
                  resources: resources("100m", "64Mi", "512Mi"),
                  volumeMounts: [
                    { name: "config", mountPath: "/etc/coturn", readOnly: true },
                    tmp.mount,
                    state.mount,
                  ],
                },
              ],
              volumes: [
                { name: "config", secret: { secretName: "atrium-coturn" } },
                tmp.volume,
                state.volume,
              ],
            },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
