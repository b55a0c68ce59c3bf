import { parse } from "yaml";
import {
  isSecretInput,
  leaks,
  runProgram,
  type CapturedResource,
} from "../test-support/mock-stack";
import { KubeView, summarizeKube } from "../test-support/kube-view";
import { StackView } from "../test-support/stack-view";
import { MINIMAL_CONFIG } from "../test-support/config";

// One program run (jest gives each file its own registry): the Kubernetes target with workers,
// an external PostgreSQL and bridges one per node.
const ADMIN_PASSWORD = "operator-postgres-admin-password-0123";
let resources: CapturedResource[];
let outputs: Record<string, unknown>;
let kube: KubeView;

beforeAll(async () => {
  ({ resources, outputs } = await runProgram(
    {
      ...MINIMAL_CONFIG,
      homeserverDomain: "matrix.example.org",
      target: "kubernetes",
      postgresPassword: ADMIN_PASSWORD,
      kubernetes: JSON.stringify({
        appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
        postgresHost: "db.example.internal",
        workers: {
          synchrotron: 3,
          "event-persister": 2,
          "event-creator": 2,
          "federation-sender": 2,
          "client-reader": 2,
          appservice: 1,
          background: 1,
          "media-repository": 1,
          "typing-persister": 1,
        },
      }),
    },
    ["postgresPassword"],
  ));
  kube = new KubeView(resources);
}, 60000);

const hsYaml = (): Record<string, unknown> =>
  parse(
    kube.get("Secret", "atrium-synapse-config").stringData?.["homeserver.yaml"] ?? "",
  ) as Record<string, unknown>;

it("prints the Kubernetes resource graph", () => {
  const text = summarizeKube(kube);
  console.log(text);
  expect(text).toContain("StatefulSet atrium-synapse-synchrotron  replicas 3");
});

it("creates no Docker resource", () => {
  expect(resources.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
  expect(outputs.target).toBe("kubernetes");
});

describe("Synapse", () => {
  it("runs main and one StatefulSet per worker type, named for instance_map", () => {
    expect(kube.names("StatefulSet").filter((n) => n.startsWith("atrium-synapse-"))).toEqual(
      [
        "main",
        "synchrotron",
        "event-persister",
        "event-creator",
        "federation-sender",
        "client-reader",
        "appservice",
        "background",
        "media-repository",
        "typing-persister",
      ]
        .map((t) => `atrium-synapse-${t}`)
        .sort(),
    );
    for (const [type, n] of [
      ["main", 1],
      ["synchrotron", 3],
      ["event-persister", 2],
      ["appservice", 1],
    ] as const) {
      const set = kube.get("StatefulSet", `atrium-synapse-${type}`);
      expect([type, set.spec?.replicas, set.spec?.serviceName]).toEqual([
        type,
        n,
        `atrium-synapse-${type}`,
      ]);
      const headless = kube.get("Service", `atrium-synapse-${type}`);
      expect(headless.spec?.clusterIP).toBe("None");
      expect(headless.spec?.publishNotReadyAddresses).toBe(true);
    }
  });

  it("writes instance_map, stream_writers and the single duties from the replica counts", () => {
    const hs = hsYaml();
    expect(hs.stream_writers).toEqual({
      events: ["atrium-synapse-event-persister-0", "atrium-synapse-event-persister-1"],
      typing: ["atrium-synapse-typing-persister-0"],
    });
    expect(Object.keys(hs.instance_map as object).sort()).toEqual(
      [
        "main",
        "atrium-synapse-event-persister-0",
        "atrium-synapse-event-persister-1",
        "atrium-synapse-typing-persister-0",
      ].sort(),
    );
    expect(
      (hs.instance_map as Record<string, unknown>)["atrium-synapse-event-persister-1"],
    ).toEqual({
      host: "atrium-synapse-event-persister-1.atrium-synapse-event-persister",
      port: 9093,
      tls: false,
    });
    expect(hs.notify_appservices_from_worker).toBe("atrium-synapse-appservice-0");
    expect(hs.run_background_tasks_on).toBe("atrium-synapse-background-0");
    expect(hs.federation_sender_instances).toEqual([
      "atrium-synapse-federation-sender-0",
      "atrium-synapse-federation-sender-1",
    ]);
    expect(hs.media_instance_running_background_jobs).toBe("atrium-synapse-media-repository-0");
    expect(hs.enable_media_repo).toBe(false);
    expect(hs.redis).toEqual({ enabled: true, host: "atrium-synapse-redis", port: 6379 });
    expect((hs.database as { args: Record<string, unknown> }).args).toEqual(
      expect.objectContaining({ host: "db.example.internal", sslmode: "require", user: "synapse" }),
    );
  });

  it("mounts the appservice registration and signing key in every Synapse process", () => {
    expect(hsYaml().app_service_config_files).toEqual(["/conf/atrium-registration.yaml"]);
    const secret = kube.get("Secret", "atrium-synapse-config").stringData ?? {};
    expect(Object.keys(secret).sort()).toEqual([
      "atrium-registration.yaml",
      "homeserver.yaml",
      "signing.key",
    ]);
    expect(secret["signing.key"]).toMatch(/^ed25519 a_atrium [A-Za-z0-9+/]{43}\n$/);
    for (const name of kube.names("StatefulSet").filter((n) => n.startsWith("atrium-synapse-"))) {
      const pod = kube.podSpec("StatefulSet", name);
      const sources = pod.volumes.find((v: { name: string }) => v.name === "config").projected
        .sources;
      expect([name, sources[0]]).toEqual([name, { secret: { name: "atrium-synapse-config" } }]);
      const command = pod.containers[0].command.join(" ");
      expect(command).toContain("--config-path /conf/homeserver.yaml");
      if (name !== "atrium-synapse-main") {
        // worker_name is the pod's name, which instance_map and stream_writers use.
        expect(command).toContain(`printf 'worker_name: %s\\n' "$HOSTNAME"`);
        expect(command).toContain(
          `--config-path /conf/${name.replace("atrium-synapse-", "worker-")}.yaml`,
        );
      }
    }
  });

  it("puts media on one kept claim, mounted by the media worker only", () => {
    const mounts = (name: string) =>
      kube
        .podSpec("StatefulSet", name)
        .volumes.filter((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim);
    expect(mounts("atrium-synapse-media-repository")).toHaveLength(1);
    expect(mounts("atrium-synapse-main")).toHaveLength(0);
    const claim = kube.get("PersistentVolumeClaim", "atrium-synapse-media");
    expect(claim.spec?.accessModes).toEqual(["ReadWriteOnce"]);
    const captured = resources.find((r) => r.name === "synapse-media");
    expect(captured).toBeDefined();
  });

  it("has PodDisruptionBudgets exactly where 2+ replicas run", () => {
    expect(kube.names("PodDisruptionBudget")).toEqual(
      [
        "atrium-synapse-synchrotron",
        "atrium-synapse-event-persister",
        "atrium-synapse-event-creator",
        "atrium-synapse-federation-sender",
        "atrium-synapse-client-reader",
        "atrium-router",
        "atrium-jitsi-web",
        "atrium-element-web",
      ].sort(),
    );
  });

  it("runs Redis without persistence", () => {
    const pod = kube.podSpec("Deployment", "atrium-synapse-redis");
    expect(pod.containers[0].args).toEqual(["--save", "", "--appendonly", "no"]);
  });
});

describe("what stays single", () => {
  it.each([
    ["Deployment", "atrium-etherpad"],
    ["Deployment", "atrium-appservice"],
    ["Deployment", "atrium-jitsi-jicofo"],
    ["Deployment", "atrium-synapse-redis"],
  ])("%s %s runs one replica, replaced with Recreate", (kind, name) => {
    const o = kube.get(kind, name);
    expect([o.spec?.replicas, o.spec?.strategy]).toEqual([1, { type: "Recreate" }]);
  });

  it("runs prosody as a one-pod StatefulSet with its storage on a claim", () => {
    const prosody = kube.get("StatefulSet", "atrium-jitsi-prosody");
    expect(prosody.spec?.replicas).toBe(1);
    expect(prosody.spec?.volumeClaimTemplates[0].metadata.name).toBe("data");
  });
});

describe("Jitsi's bridges and coturn", () => {
  it("runs one bridge per labelled node on a UDP hostPort, advertising the node, draining first", () => {
    const pod = kube.podSpec("DaemonSet", "atrium-jitsi-jvb");
    expect(pod.nodeSelector).toEqual({ "atrium.dev/jvb": "true" });
    expect(pod.terminationGracePeriodSeconds).toBe(3600);
    const c = pod.containers[0];
    expect(c.ports[0]).toEqual({
      name: "media",
      containerPort: 10000,
      hostPort: 10000,
      protocol: "UDP",
    });
    expect(c.env).toContainEqual({
      name: "JVB_ADVERTISE_IPS",
      valueFrom: { fieldRef: { fieldPath: "status.hostIP" } },
    });
    expect(c.lifecycle.preStop.exec.command.join(" ")).toContain("graceful_shutdown.sh");
  });

  it("runs coturn on the host network of the TURN nodes", () => {
    const pod = kube.podSpec("DaemonSet", "atrium-coturn");
    expect(pod.hostNetwork).toBe(true);
    expect(pod.nodeSelector).toEqual({ "atrium.dev/turn": "true" });
    const conf = kube.get("Secret", "atrium-coturn").stringData?.["turnserver.conf"] ?? "";
    expect(conf).toContain("use-auth-secret");
    expect(conf).toContain("denied-peer-ip=10.0.0.0-10.255.255.255");
  });

  it("points prosody's clients at its Service, not docker-jitsi-meet's alias", () => {
    for (const part of ["prosody", "jicofo", "jvb", "web"]) {
      const data = kube.get("Secret", `atrium-jitsi-${part}-env`).stringData ?? {};
      expect([part, data.XMPP_SERVER, data.XMPP_BOSH_URL_BASE]).toEqual([
        part,
        "atrium-jitsi-prosody",
        "http://atrium-jitsi-prosody:5280",
      ]);
    }
    expect(kube.get("Secret", "atrium-jitsi-prosody-env").stringData?.MATRIX_UVS_URL).toBe(
      "http://atrium-appservice:9001",
    );
  });
});

describe("every workload", () => {
  it("has probes, requests, limits and a hardened container", () => {
    for (const [kind, name] of kube.workloads()) {
      for (const c of kube.podSpec(kind, name).containers) {
        const id = `${kind} ${name}/${c.name}`;
        if (!kind.endsWith("Job")) {
          expect([id, Boolean(c.readinessProbe), Boolean(c.livenessProbe)]).toEqual([
            id,
            true,
            true,
          ]);
        }
        expect([
          id,
          Boolean(c.resources?.requests?.memory),
          Boolean(c.resources?.limits?.memory),
        ]).toEqual([id, true, true]);
        expect([id, c.securityContext?.allowPrivilegeEscalation]).toEqual([id, false]);
      }
    }
  });

  it("rolls its pods when a config or secret changes (hash annotation)", () => {
    for (const [kind, name] of kube.workloads().filter(([k]) => k !== "CronJob")) {
      if (name === "atrium-synapse-redis") continue; // no config
      const o = kube.get(kind, name);
      expect([name, o.spec?.template.metadata.annotations?.["atrium.dev/config-hash"]]).toEqual([
        name,
        expect.stringMatching(/^[0-9a-f]{16}$/),
      ]);
    }
  });

  it("runs Synapse, the router, the appservice and Redis non-root on a read-only root", () => {
    for (const [kind, name] of [
      ["StatefulSet", "atrium-synapse-main"],
      ["StatefulSet", "atrium-synapse-synchrotron"],
      ["Deployment", "atrium-router"],
      ["Deployment", "atrium-appservice"],
      ["Deployment", "atrium-synapse-redis"],
    ] as const) {
      const sc = kube.podSpec(kind, name).containers[0].securityContext;
      expect([name, sc.runAsNonRoot, sc.readOnlyRootFilesystem]).toEqual([name, true, true]);
    }
  });
});

describe("secrets", () => {
  const generated = (): string[] => [
    ...new StackView(resources).generatedSecrets(),
    ADMIN_PASSWORD,
  ];

  it("never land in a ConfigMap", () => {
    for (const r of resources.filter((x) => x.type === "kubernetes:core/v1:ConfigMap")) {
      expect([r.name, leaks(r.inputs, generated(), r.name)]).toEqual([r.name, []]);
      expect(JSON.stringify(r.inputs)).not.toContain("Mock-secrets-");
    }
  });

  it("are never sent to any resource unmarked", () => {
    const found = resources.flatMap((r) => leaks(r.inputs, generated(), `${r.type} ${r.name}`));
    expect(found).toEqual([]);
  });

  it("sit in Secrets whose whole stringData is secret", () => {
    const secrets = resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const s of secrets)
      expect([s.name, isSecretInput(s.inputs.stringData)]).toEqual([s.name, true]);
  });

  it("keep the external database's connection in a Secret, with the operator's admin password", () => {
    const conn = kube.get("Secret", "atrium-postgres-connection").stringData ?? {};
    expect(conn).toEqual(
      expect.objectContaining({
        PGHOST: "db.example.internal",
        PGPORT: "5432",
        PGSSLMODE: "require",
        PGPASSWORD: ADMIN_PASSWORD,
      }),
    );
    expect(kube.names("StatefulSet")).not.toContain("atrium-postgres");
    const job = kube.podSpec("Job", "atrium-postgres-roles");
    expect(job.containers[0].envFrom).toEqual([
      { secretRef: { name: "atrium-postgres-connection" } },
    ]);
  });
});

describe("network", () => {
  it("exposes web services only through the Ingress, with cert-manager TLS for every host", () => {
    const ingress = kube.get("Ingress", "atrium");
    expect(ingress.metadata.annotations?.["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");
    expect(ingress.spec?.ingressClassName).toBe("nginx");
    const hosts = (ingress.spec?.rules as { host: string }[]).map((r) => r.host).sort();
    expect(hosts).toEqual(
      [
        "example.org",
        "matrix.example.org",
        "pad.example.org",
        "meet.example.org",
        "im.example.org",
        "element.example.org",
        // The SFU's signalling websocket (atrium:calls both, the default).
        "sfu.example.org",
      ].sort(),
    );
    expect((ingress.spec?.tls as { hosts: string[] }[]).flatMap((t) => t.hosts).sort()).toEqual(
      hosts,
    );
    const matrix = (
      ingress.spec?.rules as { host: string; http: { paths: { path: string }[] } }[]
    ).find((r) => r.host === "matrix.example.org");
    expect(matrix?.http.paths.map((p) => p.path)).toEqual(["/_matrix", "/_synapse/client"]);
    for (const svc of kube.objects("Service")) {
      if (svc.metadata.name.startsWith("atrium-jitsi-jvb-")) continue;
      expect([svc.metadata.name, svc.spec?.type ?? "ClusterIP"]).toEqual([
        svc.metadata.name,
        "ClusterIP",
      ]);
    }
  });

  it("denies all ingress by default and allows only the named flows", () => {
    const deny = kube.get("NetworkPolicy", "atrium-default-deny-ingress");
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    const rule = (name: string) =>
      kube.get("NetworkPolicy", `atrium-allow-${name}`).spec?.ingress[0];
    const synapse = { podSelector: { matchLabels: { "atrium.dev/synapse": "true" } } };
    expect(rule("appservice-transactions")).toEqual({
      from: [synapse],
      ports: [{ port: 9000, protocol: "TCP" }],
    });
    expect(rule("etherpad").from).toEqual([
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "atrium-appservice" } } },
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "atrium-router" } } },
    ]);
    expect(rule("synapse-replication")).toEqual({
      from: [synapse],
      ports: [{ port: 9093, protocol: "TCP" }],
    });
    const ingressNs = {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
    };
    expect(rule("jitsi-web").from).toEqual([ingressNs]);
    expect(rule("appservice-im").from).toEqual([ingressNs]);
    // The appservice's transaction port and Etherpad admit nothing from the ingress controller.
    for (const name of ["appservice-transactions", "etherpad", "synapse-http", "redis", "prosody"])
      expect([name, JSON.stringify(rule(name).from)]).not.toEqual([
        name,
        expect.stringContaining("namespaceSelector"),
      ]);
  });

  it("sends the appservice's client calls through the router", () => {
    const cfg = parse(
      kube.get("Secret", "atrium-appservice").stringData?.["config.yaml"] ?? "",
    ) as {
      homeserver: { url: string };
      database: { connectionString: string };
    };
    expect(cfg.homeserver.url).toBe("http://atrium-router:8080");
    expect(cfg.database.connectionString).toMatch(
      /@db\.example\.internal:5432\/atrium\?sslmode=require$/,
    );
    expect(kube.get("ConfigMap", "atrium-router").data?.["haproxy.cfg"]).toContain(
      "acl on_homeserver var(txn.host) -m str matrix.example.org atrium-router",
    );
  });
});

it("gives Element Web Atrium's widget pages, as on Docker (one spec renders both)", () => {
  const config = JSON.parse(
    kube.get("Secret", "atrium-element-web").stringData?.["config.json"] ?? "",
  ) as { integrations_widgets_urls: string[] };
  expect(config.integrations_widgets_urls).toEqual([
    "https://pad.example.org/atrium/pad",
    "https://pad.example.org/atrium/conference",
    "https://im.example.org/api",
  ]);
  const c = kube.podSpec("Deployment", "atrium-element-web").containers[0];
  expect(c.volumeMounts).toEqual([
    { name: "config", mountPath: "/app/config.json", subPath: "config.json", readOnly: true },
  ]);
});

it("exports kubectl commands and where the ports are", () => {
  expect(outputs.createAdminCommand).toBe(
    "kubectl -n atrium exec -it atrium-synapse-main-0 -- register_new_matrix_user -c /conf/homeserver.yaml -a -u admin http://localhost:8008",
  );
  expect(outputs.backupCommand).toBe(
    "kubectl -n atrium create job --from=cronjob/atrium-backup atrium-backup-now",
  );
  expect(outputs.publicPorts).toContain("10000/udp on nodes labelled atrium.dev/jvb=true");
});
