/**
 * Jitsi's videobridges on Kubernetes, by `kubernetes.jvbMode`: one per labelled node on a
 * hostPort, advertising the node's address, or a StatefulSet whose bridge i owns UDP jvbPort+i
 * behind its own LoadBalancer. Bridges drain before they stop.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOSTS } from "../components/names";
import { nodeSelector } from "../kubernetes-schema";
import { labels, meta, probes, resources, serviceOf, type KubeContext } from "./meta";
import { daemonSet, statefulSet, type Container, type Pods } from "./workload";

/** JVB's colibri WebSocket port (web's nginx proxies /colibri-ws/<server id>/ to it). */
export const JVB_WS_PORT = 9090;
/** How long a bridge may take to drain its conferences (jitsi-videobridge#2075: up to 1 h). */
export const JVB_DRAIN_SECONDS = 3600;
/**
 * What the drain needs and nothing more: the bridge's private REST server (port 8080, in the
 * pod only: no Service names it and no NetworkPolicy admits it) with the colibri API, whose
 * /colibri/stats the drain polls, and /colibri/shutdown, which starts it. Both are off in
 * docker-jitsi-meet's jvb.conf unless these are set, and graceful_shutdown.sh then exits 1 at
 * once.
 */
export const JVB_DRAIN_ENV = [
  { name: "COLIBRI_REST_ENABLED", value: "true" },
  { name: "SHUTDOWN_REST_ENABLED", value: "true" },
] as const;

/**
 * The preStop drain: jitsi-videobridge's graceful_shutdown.sh needs the bridge's PID (`-p`, or
 * a pid file the image does not write) before it sends the shutdown request, so it is read from
 * /proc (the pattern's brackets keep this shell from matching itself).
 */
export const JVB_PRESTOP = [
  "/bin/bash",
  "-c",
  'pid="$(grep -las \'org[.]jitsi[.]videobridge[.]Main\' /proc/[0-9]*/cmdline | head -n 1 | cut -d / -f 3)"; exec /bin/bash /usr/share/jitsi-videobridge/graceful_shutdown.sh -p "$pid" -t 3',
] as const;

/** The videobridges, by `kubernetes.jvbMode`. */
export function jitsiBridges(
  parent: pulumi.Resource,
  name: string,
  ctx: KubeContext,
  container: (part: "jvb", image: string, runSize: string, extra: Partial<Container>) => Container,
  pods: (spec: { containers: Container[] } & Record<string, unknown>) => Pods,
  health: ReturnType<typeof probes>,
): void {
  const c = ctx.settings;
  const app = HOSTS.jvb;
  const field = (n: string, path: string) => ({
    name: n,
    valueFrom: { fieldRef: { fieldPath: path } },
  });
  const bridge = (extra: Partial<Container>): Container =>
    container("jvb", c.images.jitsiJvb, "32Mi", {
      ...health,
      resources: resources("500m", "1Gi", "3Gi"),
      // Stop taking conferences, wait for the last participants to leave, then exit
      // (the image's graceful_shutdown.sh; jitsi-helm's preStop does the same).
      lifecycle: { preStop: { exec: { command: [...JVB_PRESTOP] } } },
      ...extra,
      env: [
        ...JVB_DRAIN_ENV,
        ...((extra.env as k8s.types.input.core.v1.EnvVar[] | undefined) ?? []),
      ],
    });
  const wsPort = { name: "colibri-ws", containerPort: JVB_WS_PORT };
  if (ctx.k.jvb.mode === "hostPort") {
    daemonSet(
      ctx,
      `${name}-jvb`,
      app,
      pods({
        nodeSelector: nodeSelector(ctx.k.jvb.nodeLabel),
        terminationGracePeriodSeconds: JVB_DRAIN_SECONDS,
        containers: [
          bridge({
            ports: [
              { name: "media", containerPort: c.jvbPort, hostPort: c.jvbPort, protocol: "UDP" },
              wsPort,
            ],
            env: [
              { name: "JVB_PORT", value: String(c.jvbPort) },
              // The node's address (jitsi-helm's useNodeIP); STUN stays the fallback.
              field("JVB_ADVERTISE_IPS", "status.hostIP"),
              field("JVB_WS_SERVER_ID", "status.podIP"),
            ],
          }),
        ],
      }),
      { parent },
    );
    return;
  }
  const replicas = ctx.k.jvb.replicas;
  const services = Array.from(
    { length: replicas },
    (_, i) =>
      new k8s.core.v1.Service(
        `${name}-jvb-${i}`,
        {
          metadata: meta(ctx, `${app}-${i}`, { labels: labels(app) }),
          spec: {
            type: "LoadBalancer",
            externalTrafficPolicy: "Local",
            selector: { "statefulset.kubernetes.io/pod-name": `${app}-${i}` },
            ports: [
              { name: "media", port: c.jvbPort + i, targetPort: c.jvbPort + i, protocol: "UDP" },
            ],
          },
        },
        { parent },
      ),
  );
  // Each bridge advertises its own LoadBalancer's address, read in the same run (no second
  // deploy to learn it, jitsi-helm's exposing guide's trap); publicIp until one is assigned.
  const addresses = pulumi.all(services.map((svc) => svc.status)).apply((statuses) =>
    Object.fromEntries(
      statuses.map((st, i) => {
        const ingress = st?.loadBalancer?.ingress?.[0];
        return [String(i), ingress?.ip ?? ingress?.hostname ?? c.publicIp];
      }),
    ),
  );
  new k8s.core.v1.ConfigMap(
    `${name}-jvb-addresses`,
    { metadata: meta(ctx, "atrium-jitsi-jvb-addresses"), data: addresses },
    { parent },
  );
  const start = [
    'ord="${HOSTNAME##*-}"',
    `export JVB_PORT=$((${c.jvbPort} + ord))`,
    'export JVB_ADVERTISE_IPS="$(cat /addresses/$ord)"',
    "exec /init",
  ].join("; ");
  serviceOf(
    ctx,
    `${name}-jvb-pods`,
    app,
    app,
    [{ name: "colibri-ws", port: JVB_WS_PORT }],
    parent,
    true,
  );
  statefulSet(
    ctx,
    `${name}-jvb`,
    app,
    {
      replicas,
      parallel: true,
      ...pods({
        terminationGracePeriodSeconds: JVB_DRAIN_SECONDS,
        containers: [
          bridge({
            command: ["/bin/sh", "-c", start],
            ports: Array.from({ length: replicas }, (_, i) => ({
              name: `media-${i}`,
              containerPort: c.jvbPort + i,
              protocol: "UDP",
            })).concat([wsPort as never]),
            env: [field("JVB_WS_SERVER_ID", "status.podIP")],
            volumeMounts: [{ name: "addresses", mountPath: "/addresses", readOnly: true }],
          }),
        ],
        volumes: [{ name: "addresses", configMap: { name: "atrium-jitsi-jvb-addresses" } }],
      }),
    },
    { parent },
  );
}
