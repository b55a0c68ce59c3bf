/**
 * Egress: what each pod of the namespace may connect to (issue 23 item 5). Everything is
 * refused unless listed. In-cluster flows are derived from the ingress flows of
 * network-policies.ts (a peer allowed in on a port may connect out to it, nothing else), so
 * the two directions cannot drift; DNS goes to the cluster's DNS; the internet is reached only
 * where a component's job is out there (Synapse's federation and push, the appservice's feed
 * fetcher and OpenID checks of other homeservers, the bridges' media, the backup's S3 copy),
 * and "the internet" never includes the private, link-local and metadata ranges the cluster,
 * its nodes and 169.254.169.254 live in.
 */
import type * as k8s from "@pulumi/kubernetes";
import { HOSTS } from "../components/names";
import { BACKUP_CRONJOB } from "./backup";
import { APP_LABEL, PRIVATE_RANGES, SYNAPSE_ROLE_LABEL, type KubeContext } from "./meta";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = { readonly port?: number; readonly endPort?: number; readonly protocol: "TCP" | "UDP" };

/** One flow into a set of pods, as network-policies.ts lists them. */
export interface IngressFlow {
  readonly name: string;
  readonly pods: Record<string, string>;
  readonly ports: readonly { port: number; protocol?: "TCP" | "UDP" }[];
  readonly from: readonly Peer[];
}

/** What one set of pods may connect to. */
export interface EgressRule {
  /** Who (a label selector), named for the policy. */
  readonly name: string;
  readonly pods: Record<string, string>;
  readonly to: {
    readonly peers: readonly Peer[];
    readonly ports: readonly Port[];
    readonly why: string;
  }[];
}

/** Anywhere on the internet: every address but the private and special-purpose ranges. */
export const INTERNET: readonly Peer[] = [
  { ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_RANGES.ipv4] } },
  { ipBlock: { cidr: "::/0", except: [...PRIVATE_RANGES.ipv6] } },
];
/** Any address (only ever with one named port). */
const ANYWHERE: readonly Peer[] = [
  { ipBlock: { cidr: "0.0.0.0/0" } },
  { ipBlock: { cidr: "::/0" } },
];
const ALL_TCP: readonly Port[] = [{ protocol: "TCP" }];

const nameOf = (labels: Record<string, string>): string =>
  labels[APP_LABEL] ?? (labels[SYNAPSE_ROLE_LABEL] === "true" ? "atrium-synapse" : "pods");

/** The pods a peer selects, when it selects pods of this namespace. */
function podsOf(peer: Peer): Record<string, string> | undefined {
  const p = peer as {
    podSelector?: { matchLabels?: Record<string, string> };
    namespaceSelector?: unknown;
  };
  if (p.namespaceSelector !== undefined) return undefined;
  return p.podSelector?.matchLabels;
}

/** Every egress rule of the namespace (pure; the tests read it). */
export function egressRules(ctx: KubeContext, ingress: readonly IngressFlow[]): EgressRule[] {
  const c = ctx.settings;
  const rules = new Map<string, { pods: Record<string, string>; to: EgressRule["to"][number][] }>();
  const add = (pods: Record<string, string>, to: EgressRule["to"][number]): void => {
    const key = JSON.stringify(pods);
    const rule = rules.get(key) ?? { pods, to: [] };
    rule.to.push(to);
    rules.set(key, rule);
  };
  for (const flow of ingress) {
    for (const peer of flow.from) {
      const pods = podsOf(peer);
      if (pods === undefined) continue;
      add(pods, {
        peers: [{ podSelector: { matchLabels: flow.pods } }],
        ports: flow.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })),
        why: flow.name,
      });
    }
  }
  const app = (name: string): Record<string, string> => ({ [APP_LABEL]: name });
  const synapse = { [SYNAPSE_ROLE_LABEL]: "true" };
  // Federation (any port a server's .well-known or SRV record names), push gateways.
  add(synapse, { peers: INTERNET, ports: ALL_TCP, why: "federation" });
  // Feeds on any port, and other homeservers' /openid/userinfo.
  add(app(HOSTS.appservice), { peers: INTERNET, ports: ALL_TCP, why: "feeds-and-openid" });
  // Media to participants (UDP, any port they offer), STUN.
  add(app(HOSTS.jvb), { peers: INTERNET, ports: [{ protocol: "UDP" }], why: "media" });
  // The SFU's media to call participants (ICE over UDP to the addresses they offer).
  if (c.calls !== "jitsi")
    add(app(HOSTS.livekit), { peers: INTERNET, ports: [{ protocol: "UDP" }], why: "media" });
  const pg = ctx.k.postgres;
  if (pg.mode === "external") {
    const peers = pg.cidr === undefined ? ANYWHERE : [{ ipBlock: { cidr: pg.cidr } }];
    for (const client of [
      synapse,
      app(HOSTS.etherpad),
      app(HOSTS.appservice),
      app("postgres-roles"),
      app(BACKUP_CRONJOB),
    ])
      add(client, { peers, ports: [{ port: pg.port, protocol: "TCP" }], why: "external-postgres" });
  }
  const s3 = c.backup.s3;
  if (s3 !== undefined) {
    const url = new URL(s3.endpoint);
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    // The S3 endpoint may sit on a private network (MinIO beside the cluster): its port anywhere.
    add(app(BACKUP_CRONJOB), {
      peers: ANYWHERE,
      ports: [{ port, protocol: "TCP" }],
      why: "offsite-s3",
    });
  }
  return [...rules.values()].map((r) => ({ name: nameOf(r.pods), pods: r.pods, to: r.to }));
}

/** The cluster DNS every pod may ask (CoreDNS and kube-dns both carry k8s-app=kube-dns). */
export const DNS_PEER: Peer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};
