/**
 * NetworkPolicies: every pod of the namespace refuses ingress unless a policy below lets a
 * named peer in on a named port, and connects out only where egress.ts allows. Only the ingress
 * controller reaches the web tiers, only Synapse the appservice's port, only the appservice
 * (and the router's allow-listed pad paths) Etherpad. coturn runs on the host network, where
 * NetworkPolicies do not apply.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PORTS } from "../components/names";
import { ELEMENT_WEB_KUBE_PORT } from "./element-web";
import { DNS_PEER, egressRules } from "./egress";
import { matrixRtcEnabled } from "../calls";
import { jitsiRelease } from "../jitsi-release";
import { APP_LABEL, meta, SYNAPSE_ROLE_LABEL, type KubeContext } from "./meta";
import { JVB_WS_PORT, PROSODY_PORTS } from "./jitsi";
import { ROUTER_HOST, ROUTER_PORT } from "./router";
import { REDIS_HOST, SYNAPSE_REPLICATION_PORT } from "./synapse";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** One allowed flow: these peers may reach these ports of the selected pods. */
export interface Allowed {
  readonly name: string;
  /** Pods the policy applies to (label selector). */
  readonly pods: Record<string, string>;
  readonly ports: readonly { port: number; protocol?: "TCP" | "UDP" }[];
  readonly from: readonly Peer[];
}

const app = (name: string): Peer => ({ podSelector: { matchLabels: { [APP_LABEL]: name } } });
const synapsePods: Peer = { podSelector: { matchLabels: { [SYNAPSE_ROLE_LABEL]: "true" } } };

/** Every allowed flow (pure; the tests read it). */
export function allowedFlows(ctx: KubeContext): Allowed[] {
  const c = ctx.settings;
  const ingress: Peer = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ctx.k.ingressNamespace } },
  };
  const pods = (name: string) => ({ [APP_LABEL]: name });
  const rtc = matrixRtcEnabled(c);
  const flows: Allowed[] = [
    {
      name: "router",
      pods: pods(ROUTER_HOST),
      ports: [{ port: ROUTER_PORT }],
      from: [ingress, app(HOSTS.appservice)],
    },
    {
      name: "jitsi-web",
      pods: pods(HOSTS.jitsiWeb),
      ports: [{ port: jitsiRelease(c.images.jitsiWeb).webPort }],
      from: [ingress],
    },
    {
      name: "element-web",
      pods: pods(HOSTS.elementWeb),
      ports: [{ port: ELEMENT_WEB_KUBE_PORT }],
      from: [ingress],
    },
    // Synapse's HTTP only from the router (clients, the appservice) and other Synapse
    // processes; replication only among Synapse processes.
    {
      name: "synapse-http",
      pods: { [SYNAPSE_ROLE_LABEL]: "true" },
      ports: [{ port: PORTS.synapse }],
      from: [app(ROUTER_HOST), synapsePods],
    },
    {
      name: "synapse-replication",
      pods: { [SYNAPSE_ROLE_LABEL]: "true" },
      ports: [{ port: SYNAPSE_REPLICATION_PORT }],
      from: [synapsePods],
    },
    { name: "redis", pods: pods(REDIS_HOST), ports: [{ port: 6379 }], from: [synapsePods] },
    {
      name: "appservice-transactions",
      pods: pods(HOSTS.appservice),
      ports: [{ port: PORTS.appservice }],
      from: [synapsePods],
    },
    // Pad pages through the router; /verify/user_in_room for prosody.
    {
      name: "appservice-web",
      pods: pods(HOSTS.appservice),
      ports: [{ port: PORTS.appserviceWeb }],
      // ... and the SFU's webhooks (/atrium/rtc/webhook, signed).
      from: [app(ROUTER_HOST), app(HOSTS.prosody), ...(rtc ? [app(HOSTS.livekit)] : [])],
    },
    {
      name: "appservice-im",
      pods: pods(HOSTS.appservice),
      ports: [{ port: PORTS.appserviceIm }],
      from: [ingress],
    },
    // The API for the appservice; the router forwards only a pad page's paths.
    {
      name: "etherpad",
      pods: pods(HOSTS.etherpad),
      ports: [{ port: PORTS.etherpad }],
      from: [app(HOSTS.appservice), app(ROUTER_HOST)],
    },
    {
      name: "prosody",
      pods: pods(HOSTS.prosody),
      ports: [{ port: PROSODY_PORTS.c2s }, { port: PROSODY_PORTS.http }],
      from: [app(HOSTS.jicofo), app(HOSTS.jvb), app(HOSTS.jitsiWeb)],
    },
    // Media from anywhere (the bridge's UDP port), colibri WebSockets through web's nginx.
    {
      name: "jvb-media",
      pods: pods(HOSTS.jvb),
      ports:
        ctx.k.jvb.mode === "hostPort"
          ? [{ port: c.jvbPort, protocol: "UDP" }]
          : Array.from({ length: ctx.k.jvb.replicas }, (_, i) => ({
              port: c.jvbPort + i,
              protocol: "UDP" as const,
            })),
      from: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
    },
    {
      name: "jvb-colibri",
      pods: pods(HOSTS.jvb),
      ports: [{ port: JVB_WS_PORT }],
      from: [app(HOSTS.jitsiWeb)],
    },
  ];
  if (rtc) {
    flows.push(
      // The signalling websocket through the ingress; RoomService calls from the appservice.
      {
        name: "livekit-http",
        pods: pods(HOSTS.livekit),
        ports: [{ port: PORTS.livekit }],
        from: [ingress, app(HOSTS.appservice)],
      },
      // ICE from anywhere, on the node's hostPorts.
      {
        name: "livekit-media",
        pods: pods(HOSTS.livekit),
        ports: [
          { port: PORTS.livekitRtcTcp, protocol: "TCP" },
          { port: PORTS.livekitRtcUdp, protocol: "UDP" },
        ],
        from: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
      },
    );
  }
  if (ctx.k.postgres.mode === "cluster") {
    flows.push({
      name: "postgres",
      pods: pods("postgres"),
      ports: [{ port: PORTS.postgres }],
      from: [
        synapsePods,
        app(HOSTS.etherpad),
        app(HOSTS.appservice),
        app("postgres-roles"),
        app("atrium-backup"),
      ],
    });
  }
  return flows;
}

export class NetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:NetworkPolicies", name, {}, opts);
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: meta(ctx, "atrium-default-deny-ingress"),
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      },
      { parent: this },
    );
    // Egress: nothing but DNS and what egress.ts lists.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny-egress`,
      {
        metadata: meta(ctx, "atrium-default-deny-egress"),
        spec: { podSelector: {}, policyTypes: ["Egress"] },
      },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-dns`,
      {
        metadata: meta(ctx, "atrium-egress-dns"),
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [DNS_PEER],
              ports: [
                { port: 53, protocol: "UDP" },
                { port: 53, protocol: "TCP" },
              ],
            },
          ],
        },
      },
      { parent: this },
    );
    const flows = allowedFlows(ctx);
    for (const rule of egressRules(ctx, flows)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-egress-${rule.name}`,
        {
          metadata: meta(ctx, `atrium-egress-${rule.name}`),
          spec: {
            podSelector: { matchLabels: rule.pods },
            policyTypes: ["Egress"],
            egress: rule.to.map((t) => ({ to: [...t.peers], ports: [...t.ports] })),
          },
        },
        { parent: this },
      );
    }
    for (const flow of flows) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${flow.name}`,
        {
          metadata: meta(ctx, `atrium-allow-${flow.name}`),
          spec: {
            podSelector: { matchLabels: flow.pods },
            policyTypes: ["Ingress"],
            ingress: [
              {
                from: [...flow.from],
                ports: flow.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })),
              },
            ],
          },
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
