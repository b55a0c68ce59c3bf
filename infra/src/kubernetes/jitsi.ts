/**
 * Jitsi on Kubernetes (jitsi-contrib/jitsi-helm's shape): web as a Deployment that scales,
 * prosody as a one-pod StatefulSet (it holds every session: more means another Jitsi shard),
 * jicofo once, and videobridges either one per labelled node on a hostPort, advertising the
 * node's address, or as a StatefulSet whose bridge i owns UDP jvbPort+i behind its own
 * LoadBalancer. Bridges drain before they stop.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { jitsiEnvs } from "../services/jitsi";
import { HOSTS } from "../components/names";
import { jitsiRelease } from "../jitsi-release";
import { nodeSelector } from "../kubernetes-schema";
import {
  claimTemplate,
  CONFIG_HASH_ANNOTATION,
  configHash,
  disruptionBudget,
  execProbe,
  hardened,
  httpProbe,
  labels,
  meta,
  podSecurity,
  probes,
  resources,
  scratch,
  secretOf,
  serviceOf,
  type KubeContext,
} from "./meta";

type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;

/** Prosody's ports: client-to-server (jicofo, jvb), HTTP (BOSH and WebSocket from web). */
export const PROSODY_PORTS = { c2s: 5222, http: 5280 } as const;
/** JVB's colibri WebSocket port (web's nginx proxies /colibri-ws/<server id>/ to it). */
export const JVB_WS_PORT = 9090;
/** How long a bridge may take to drain its conferences (jitsi-videobridge#2075: up to 1 h). */
export const JVB_DRAIN_SECONDS = 3600;
/** The user and group of the rootless Jitsi images (`s6`, 1000:1000; jitsi-helm's defaults). */
export const JITSI_UID = 1000;

/**
 * Every Jitsi container: s6-overlay v3's preinit refuses a root-owned, world-writable /run
 * unless told it is on Kubernetes, and an emptyDir on /run is exactly that (jitsi-helm sets the
 * same variable; just-containers/s6-overlay `libexec/preinit`).
 */
export const S6_KUBERNETES_ENV = {
  name: "S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES",
  value: "1",
} as const;

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

/** "K=V" entries (some secret) as one Secret's data, later keys winning. */
function envData(
  entries: pulumi.Input<string>[],
  overrides: Record<string, string>,
): pulumi.Output<Record<string, string>> {
  return pulumi.all(entries).apply((items) => ({
    ...Object.fromEntries(
      items.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    ),
    ...overrides,
  }));
}

export class Jitsi extends pulumi.ComponentResource {
  constructor(name: string, ctx: KubeContext, opts?: pulumi.ComponentResourceOptions) {
    super("atrium:kubernetes:Jitsi", name, {}, opts);
    const { settings: c, secrets: s } = ctx;
    const release = jitsiRelease(c.images.jitsiWeb);
    // In the cluster prosody is reached by its Service's name, not docker-jitsi-meet's alias.
    const xmpp = {
      XMPP_SERVER: HOSTS.prosody,
      XMPP_BOSH_URL_BASE: `http://${HOSTS.prosody}:${PROSODY_PORTS.http}`,
    };
    const envs = jitsiEnvs(c, s, HOSTS.prosody);
    const parts = {
      prosody: envData(envs.prosody, xmpp),
      jicofo: envData(envs.jicofo, xmpp),
      jvb: envData(envs.jvb, xmpp),
      web: envData(envs.web, xmpp),
    };
    for (const [part, data] of Object.entries(parts))
      secretOf(ctx, `${name}-${part}-env`, `atrium-jitsi-${part}-env`, data, this);
    const hashOf = (part: keyof typeof parts) =>
      configHash(parts[part].apply((d) => JSON.stringify(d)));
    // Rootless releases render their config into /run and /config on a read-only root.
    const writable = (runSize: string) => {
      const dirs = [
        scratch("run", "/run", runSize),
        scratch("tmp", "/tmp", "16Mi"),
        scratch("config", "/config", "64Mi"),
      ];
      return { volumes: dirs.map((d) => d.volume), mounts: dirs.map((d) => d.mount) };
    };
    const container = (
      part: keyof typeof parts,
      image: string,
      runSize: string,
      extra: Partial<Container>,
    ): Container => ({
      name: part,
      image,
      envFrom: [{ secretRef: { name: `atrium-jitsi-${part}-env` } }],
      securityContext: hardened({
        readOnlyRoot: release.rootless,
        ...(release.rootless ? { user: JITSI_UID } : {}),
      }),
      ...extra,
      env: [
        S6_KUBERNETES_ENV,
        ...((extra.env as k8s.types.input.core.v1.EnvVar[] | undefined) ?? []),
      ],
      volumeMounts: [
        ...writable(runSize).mounts,
        ...((extra.volumeMounts as k8s.types.input.core.v1.VolumeMount[] | undefined) ?? []),
      ],
    });
    const health = probes(execProbe(["/usr/local/bin/healthcheck.sh"]), 3);
    const template = (
      app: string,
      part: keyof typeof parts,
      runSize: string,
      spec: { containers: Container[]; volumes?: Volume[] } & Record<string, unknown>,
    ) => ({
      metadata: { labels: labels(app), annotations: { [CONFIG_HASH_ANNOTATION]: hashOf(part) } },
      spec: {
        // fsGroup: the volumes (prosody's claim) writable by the image's user.
        securityContext: podSecurity(release.rootless ? JITSI_UID : undefined),
        ...spec,
        volumes: [...writable(runSize).volumes, ...(spec.volumes ?? [])],
      },
    });

    // prosody: exactly one (jitsi-helm writes replicas: 1 into its template; jitsi-helm#89).
    serviceOf(
      ctx,
      `${name}-prosody-service`,
      HOSTS.prosody,
      HOSTS.prosody,
      [
        { name: "c2s", port: PROSODY_PORTS.c2s },
        { name: "http", port: PROSODY_PORTS.http },
      ],
      this,
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-prosody`,
      {
        metadata: meta(ctx, HOSTS.prosody, { labels: labels(HOSTS.prosody) }),
        spec: {
          replicas: 1,
          serviceName: HOSTS.prosody,
          selector: { matchLabels: labels(HOSTS.prosody) },
          template: template(HOSTS.prosody, "prosody", "16Mi", {
            containers: [
              container("prosody", c.images.jitsiProsody, "16Mi", {
                ports: [
                  { name: "c2s", containerPort: PROSODY_PORTS.c2s },
                  { name: "http", containerPort: PROSODY_PORTS.http },
                ],
                ...health,
                resources: resources("100m", "128Mi", "512Mi"),
                volumeMounts: [{ name: "data", mountPath: "/var/lib/prosody" }],
              }),
            ],
          }),
          volumeClaimTemplates: [claimTemplate(ctx, "data", "1Gi")],
        },
      },
      { parent: this },
    );

    // jicofo: one per shard, never two during a rollout.
    new k8s.apps.v1.Deployment(
      `${name}-jicofo`,
      {
        metadata: meta(ctx, HOSTS.jicofo, { labels: labels(HOSTS.jicofo) }),
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: labels(HOSTS.jicofo) },
          template: template(HOSTS.jicofo, "jicofo", "32Mi", {
            containers: [
              container("jicofo", c.images.jitsiJicofo, "32Mi", {
                ...health,
                resources: resources("100m", "512Mi", "1Gi"),
              }),
            ],
          }),
        },
      },
      { parent: this },
    );

    // web: stateless, scales; a PDB keeps one up through drains.
    serviceOf(
      ctx,
      `${name}-web-service`,
      HOSTS.jitsiWeb,
      HOSTS.jitsiWeb,
      [{ name: "http", port: release.webPort }],
      this,
    );
    if (ctx.k.replicas.jitsiWeb >= 2) disruptionBudget(ctx, HOSTS.jitsiWeb, HOSTS.jitsiWeb, this);
    new k8s.apps.v1.Deployment(
      `${name}-web`,
      {
        metadata: meta(ctx, HOSTS.jitsiWeb, { labels: labels(HOSTS.jitsiWeb) }),
        spec: {
          replicas: ctx.k.replicas.jitsiWeb,
          selector: { matchLabels: labels(HOSTS.jitsiWeb) },
          template: template(HOSTS.jitsiWeb, "web", "16Mi", {
            containers: [
              container("web", c.images.jitsiWeb, "16Mi", {
                ports: [{ name: "http", containerPort: release.webPort }],
                ...probes(httpProbe("/", "http"), 2),
                resources: resources("50m", "64Mi", "256Mi"),
              }),
            ],
          }),
        },
      },
      { parent: this },
    );

    this.bridges(name, ctx, container, template, health);
    this.registerOutputs({});
  }

  /** The videobridges, by `kubernetes.jvbMode`. */
  private bridges(
    name: string,
    ctx: KubeContext,
    container: (
      part: "jvb",
      image: string,
      runSize: string,
      extra: Partial<Container>,
    ) => Container,
    template: (
      app: string,
      part: "jvb",
      runSize: string,
      spec: { containers: Container[] } & Record<string, unknown>,
    ) => object,
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
      new k8s.apps.v1.DaemonSet(
        `${name}-jvb`,
        {
          metadata: meta(ctx, app, { labels: labels(app) }),
          spec: {
            selector: { matchLabels: labels(app) },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: template(app, "jvb", "32Mi", {
              nodeSelector: nodeSelector(ctx.k.jvb.nodeLabel),
              terminationGracePeriodSeconds: JVB_DRAIN_SECONDS,
              containers: [
                bridge({
                  ports: [
                    {
                      name: "media",
                      containerPort: c.jvbPort,
                      hostPort: c.jvbPort,
                      protocol: "UDP",
                    },
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
          },
        },
        { parent: this },
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
          { parent: this },
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
      { parent: this },
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
      this,
      true,
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-jvb`,
      {
        metadata: meta(ctx, app, { labels: labels(app) }),
        spec: {
          replicas,
          serviceName: app,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: labels(app) },
          template: template(app, "jvb", "32Mi", {
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
      },
      { parent: this },
    );
  }
}
