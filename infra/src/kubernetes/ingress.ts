/**
 * The public HTTP entry: one Ingress (class configurable) with a certificate per host from
 * cert-manager's ClusterIssuer. Matrix, pads and the well-known documents go to the router;
 * Jitsi web, the integration manager and Element go straight to their Services.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PORTS } from "../components/names";
import { matrixRtcEnabled } from "../calls";
import { jitsiRelease } from "../jitsi-release";
import { ELEMENT_WEB_KUBE_PORT } from "./element-web";
import { meta, type KubeContext } from "./meta";
import { ROUTER_HOST, ROUTER_PORT } from "./router";

type Path = k8s.types.input.networking.v1.HTTPIngressPath;

const to = (path: string, pathType: "Prefix" | "Exact", service: string, port: number): Path => ({
  path,
  pathType,
  backend: { service: { name: service, port: { number: port } } },
});

/** The Ingress rules by host (pure; the tests read them). */
export function ingressRules(ctx: KubeContext): Map<string, Path[]> {
  const c = ctx.settings;
  const rules = new Map<string, Path[]>();
  const add = (host: string, ...paths: Path[]) =>
    rules.set(host, [...(rules.get(host) ?? []), ...paths]);
  add(c.domain, to("/.well-known/matrix", "Prefix", ROUTER_HOST, ROUTER_PORT));
  // Only these prefixes reach Synapse; /_synapse/admin is not among them (and the router
  // answers it 404 too).
  add(
    c.homeserverDomain,
    to("/_matrix", "Prefix", ROUTER_HOST, ROUTER_PORT),
    to("/_synapse/client", "Prefix", ROUTER_HOST, ROUTER_PORT),
  );
  // The router lets through only what a pad page loads (paths like /padbootstrap-<hash>.js
  // cannot be written as Ingress paths).
  add(c.padDomain, to("/", "Prefix", ROUTER_HOST, ROUTER_PORT));
  add(
    c.jitsiDomain,
    to("/.well-known/element/jitsi", "Exact", ROUTER_HOST, ROUTER_PORT),
    to("/", "Prefix", HOSTS.jitsiWeb, jitsiRelease(c.images.jitsiWeb).webPort),
  );
  add(c.imDomain, to("/", "Prefix", HOSTS.appservice, PORTS.appserviceIm));
  // Only the SFU's signalling websocket (`/rtc`, `/rtc/v1`, `/rtc/validate`); its RoomService
  // API on the same port stays private to the appservice.
  if (matrixRtcEnabled(c)) add(c.sfuDomain, to("/rtc", "Prefix", HOSTS.livekit, PORTS.livekit));
  if (c.elementWeb)
    add(c.elementDomain, to("/", "Prefix", HOSTS.elementWeb, ELEMENT_WEB_KUBE_PORT));
  return rules;
}

export class Ingress extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Ingress", name, {}, opts);
    const rules = ingressRules(ctx);
    new k8s.networking.v1.Ingress(
      name,
      {
        metadata: meta(ctx, "atrium", {
          annotations: {
            "cert-manager.io/cluster-issuer": ctx.k.clusterIssuer,
            // ingress-nginx: uploads as large as Synapse's max_upload_size, and WebSockets
            // (Etherpad's socket.io, Jitsi's XMPP and colibri) kept open for an hour.
            "nginx.ingress.kubernetes.io/proxy-body-size": "50m",
            "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
            "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
          },
        }),
        spec: {
          ingressClassName: ctx.k.ingressClass,
          tls: [...rules.keys()].map((host) => ({
            hosts: [host],
            secretName: `atrium-tls-${host.replace(/\./g, "-")}`,
          })),
          rules: [...rules.entries()].map(([host, paths]) => ({ host, http: { paths } })),
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
