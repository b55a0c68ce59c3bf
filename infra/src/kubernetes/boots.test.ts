import { spawn } from "node:child_process";
import { DEFAULT_IMAGES } from "../images";
import { KubeView } from "../test-support/kube-view";
import { leaks, runProgram, type CapturedResource } from "../test-support/mock-stack";
import { runProgram as run } from "../test-support/process";
import { JVB_PRESTOP } from "./jitsi";
import { MINIMAL_CONFIG } from "../test-support/config";

// Issue 23, "Kubernetes that boots": each item asserted on the rendered manifests, with the
// upstream file that motivated it named in the README's Kubernetes table. This run: PostgreSQL
// in the cluster, an S3 offsite target, one digest pinned, bridges one per node.
const PASSPHRASE = "offsite-encryption-passphrase-0123456789";
const S3_SECRET = "s3-secret-access-key-0123456789";
const DIGEST = `sha256:${"ab".repeat(32)}`;
let resources: CapturedResource[];
let kube: KubeView;

beforeAll(async () => {
  ({ resources } = await runProgram(
    {
      ...MINIMAL_CONFIG,
      target: "kubernetes",
      backupS3Endpoint: "https://s3.example.net:9000",
      backupS3Bucket: "atrium-backups",
      backupS3AccessKeyId: "AKIAEXAMPLEKEY",
      backupS3SecretAccessKey: S3_SECRET,
      backupEncryptionPassphrase: PASSPHRASE,
      imageDigests: JSON.stringify({ redis: DIGEST }),
      kubernetes: JSON.stringify({
        appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
        postgres: "cluster",
        workers: { synchrotron: 2 },
      }),
    },
    ["backupS3AccessKeyId", "backupS3SecretAccessKey", "backupEncryptionPassphrase"],
  ));
  kube = new KubeView(resources);
}, 60000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const JITSI = [
  ["StatefulSet", "atrium-jitsi-prosody"],
  ["Deployment", "atrium-jitsi-jicofo"],
  ["Deployment", "atrium-jitsi-web"],
  ["DaemonSet", "atrium-jitsi-jvb"],
] as const;
const policy = (name: string): Any => kube.get("NetworkPolicy", name).spec;

describe("item 1: s6-overlay accepts Kubernetes' /run", () => {
  it.each(JITSI)(
    "%s %s sets S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES",
    (kind, name) => {
      for (const c of kube.podSpec(kind, name).containers) {
        expect(c.env).toContainEqual({
          name: "S6_YES_I_WANT_A_WORLD_WRITABLE_RUN_BECAUSE_KUBERNETES",
          value: "1",
        });
        expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: "/run" }));
      }
    },
  );
});

describe("item 2: volumes writable by the pod's user", () => {
  it("gives every pod with a claim an fsGroup, the group its containers run as", () => {
    let checked = 0;
    for (const [kind, name] of kube.workloads()) {
      const pod = kube.podSpec(kind, name);
      const o = kube.get(kind, name);
      const claims =
        (pod.volumes ?? []).some((v: Any) => v.persistentVolumeClaim !== undefined) ||
        (o.spec?.volumeClaimTemplates ?? []).length > 0;
      if (!claims) continue;
      checked++;
      const fsGroup = pod.securityContext?.fsGroup;
      expect([name, typeof fsGroup]).toEqual([name, "number"]);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers])
        expect([name, c.name, c.securityContext?.runAsGroup]).toEqual([name, c.name, fsGroup]);
    }
    // Synapse main, prosody, Postgres, the appservice, the backup job at least.
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it("runs prosody as the image's s6 user with fsGroup 1000 (jitsi-helm's default)", () => {
    const pod = kube.podSpec("StatefulSet", "atrium-jitsi-prosody");
    expect(pod.securityContext.fsGroup).toBe(1000);
    expect(pod.containers[0].securityContext).toEqual(
      expect.objectContaining({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 }),
    );
  });
});

describe("item 3: Element Web as non-root on 8080", () => {
  it("listens on 8080 with Service, probes, NetworkPolicy and Ingress agreeing", () => {
    const c = kube.podSpec("Deployment", "atrium-element-web").containers[0];
    expect(c.env).toContainEqual({ name: "ELEMENT_WEB_PORT", value: "8080" });
    expect(c.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/config.json", port: "http" });
    expect(c.securityContext).toEqual(
      expect.objectContaining({
        runAsNonRoot: true,
        runAsUser: 101,
        allowPrivilegeEscalation: false,
      }),
    );
    expect(kube.get("Service", "atrium-element-web").spec?.ports).toEqual([
      { name: "http", port: 8080, targetPort: 8080, protocol: "TCP" },
    ]);
    expect(policy("atrium-allow-element-web").ingress[0].ports).toEqual([
      { port: 8080, protocol: "TCP" },
    ]);
    const rules = kube.get("Ingress", "atrium").spec?.rules as Any[];
    const element = rules.find((r) => r.host === "element.example.org");
    expect(element.http.paths[0].backend.service.port.number).toBe(8080);
  });
});

describe("item 4: bridges drain before they stop", () => {
  it("turns on exactly the REST APIs the drain calls, on no port reachable from outside the pod", () => {
    const pod = kube.podSpec("DaemonSet", "atrium-jitsi-jvb");
    const c = pod.containers[0];
    expect(c.env).toEqual(
      expect.arrayContaining([
        { name: "COLIBRI_REST_ENABLED", value: "true" },
        { name: "SHUTDOWN_REST_ENABLED", value: "true" },
      ]),
    );
    expect(c.lifecycle.preStop.exec.command).toEqual([...JVB_PRESTOP]);
    expect(pod.terminationGracePeriodSeconds).toBe(3600);
    // The REST server listens on 8080: no container port, Service or policy names it.
    expect(c.ports.map((p: Any) => p.containerPort)).not.toContain(8080);
    const jvbServices = kube
      .objects("Service")
      .filter((svc) => JSON.stringify(svc.spec?.selector ?? {}).includes("atrium-jitsi-jvb"));
    for (const svc of jvbServices)
      expect([svc.metadata.name, (svc.spec?.ports ?? []).map((p: Any) => p.port)]).not.toEqual([
        svc.metadata.name,
        expect.arrayContaining([8080]),
      ]);
    for (const np of kube.objects("NetworkPolicy")) {
      if (np.spec?.podSelector?.matchLabels?.["app.kubernetes.io/name"] !== "atrium-jitsi-jvb")
        continue;
      for (const rule of np.spec?.ingress ?? [])
        expect([np.metadata.name, rule.ports.map((p: Any) => p.port)]).not.toEqual([
          np.metadata.name,
          expect.arrayContaining([8080]),
        ]);
    }
  });

  it("finds the bridge's PID the way graceful_shutdown.sh needs it (-p), never its own shell", async () => {
    // A stand-in bridge: a process whose command line carries the bridge's main class.
    const bridge = spawn("bash", ["-c", "sleep 30; :", "org.jitsi.videobridge.MainKt"]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const lookup = JVB_PRESTOP[2].replace(/; exec .*$/, '; echo "$pid"');
      const found = await run("bash", ["-c", lookup]);
      expect(found.stdout.trim()).toBe(String(bridge.pid));
    } finally {
      bridge.kill("SIGKILL");
    }
  });
});

describe("item 5: egress", () => {
  const egress = (name: string): Any[] => policy(`atrium-egress-${name}`).egress;
  const internet = (rules: Any[]): Any[] =>
    rules.flatMap((r) => r.to).filter((p: Any) => p.ipBlock?.cidr === "0.0.0.0/0");

  it("denies all egress by default and lets every pod ask the cluster DNS only", () => {
    expect(policy("atrium-default-deny-egress")).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
    });
    const dns = policy("atrium-egress-dns");
    expect(dns.podSelector).toEqual({});
    expect(dns.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
      },
    ]);
  });

  it.each([["atrium-appservice"], ["atrium-synapse"]])(
    "lets %s reach the internet but never private ranges or 169.254.169.254",
    (name) => {
      const blocks = internet(egress(name));
      expect(blocks).toHaveLength(1);
      expect(blocks[0].ipBlock.except).toEqual(
        expect.arrayContaining([
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "100.64.0.0/10",
          "169.254.0.0/16",
          "127.0.0.0/8",
        ]),
      );
      const v6 = egress(name)
        .flatMap((r) => r.to)
        .find((p: Any) => p.ipBlock?.cidr === "::/0");
      expect(v6.ipBlock.except).toEqual(
        expect.arrayContaining(["fc00::/7", "fe80::/10", "::1/128"]),
      );
    },
  );

  it("gives Etherpad, Element Web, Redis and PostgreSQL no way out but their own peers", () => {
    expect(egress("atrium-etherpad")).toEqual([
      {
        to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres" } } }],
        ports: [{ port: 5432, protocol: "TCP" }],
      },
    ]);
    for (const name of ["atrium-element-web", "atrium-synapse-redis", "postgres"])
      expect(kube.names("NetworkPolicy")).not.toContain(`atrium-egress-${name}`);
  });

  it("lets each pod connect only where an ingress policy lets it in", () => {
    const ingress = kube
      .objects("NetworkPolicy")
      .filter((np) => np.spec?.ingress !== undefined)
      .map((np) => np.spec as Any);
    for (const np of kube.objects("NetworkPolicy")) {
      for (const rule of np.spec?.egress ?? []) {
        for (const to of rule.to.filter((p: Any) => p.podSelector && !p.namespaceSelector)) {
          const admits = ingress.some(
            (i) =>
              JSON.stringify(i.podSelector.matchLabels) ===
                JSON.stringify(to.podSelector.matchLabels) &&
              i.ingress[0].from.some(
                (f: Any) => JSON.stringify(f.podSelector) === JSON.stringify(np.spec?.podSelector),
              ) &&
              JSON.stringify(i.ingress[0].ports) === JSON.stringify(rule.ports),
          );
          expect([np.metadata.name, to.podSelector.matchLabels, admits]).toEqual([
            np.metadata.name,
            to.podSelector.matchLabels,
            true,
          ]);
        }
      }
    }
  });

  it("lets the backup job reach the S3 endpoint's port, and the bridges send media over UDP", () => {
    expect(egress("atrium-backup")).toContainEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
      ports: [{ port: 9000, protocol: "TCP" }],
    });
    expect(egress("atrium-jitsi-jvb")).toContainEqual(
      expect.objectContaining({ ports: [{ protocol: "UDP" }] }),
    );
  });
});

describe("item 6: the offsite copy on Kubernetes", () => {
  it("copies each backup offsite, encrypted, after the backup itself", () => {
    const pod = kube.podSpec("CronJob", "atrium-backup");
    expect(pod.initContainers.map((c: Any) => c.name)).toEqual(["backup"]);
    const offsite = pod.containers[0];
    expect([offsite.name, offsite.image]).toEqual(["offsite", DEFAULT_IMAGES.rclone]);
    expect(offsite.envFrom).toEqual([{ secretRef: { name: "atrium-backup-offsite" } }]);
    expect(offsite.securityContext.runAsUser).toBe(70);
    const script = kube.get("ConfigMap", "atrium-backup-scripts").data?.["offsite.sh"] ?? "";
    expect(script).toContain("RCLONE_CONFIG_ATRIUMCRYPT_REMOTE=atrium:atrium-backups");
    expect(script).not.toContain("while true");
    const env = kube.get("Secret", "atrium-backup-offsite").stringData ?? {};
    expect(env.ATRIUM_BACKUP_PASSPHRASE).toBe(PASSPHRASE);
    expect(env.RCLONE_CONFIG_ATRIUM_ENDPOINT).toBe("https://s3.example.net:9000");
    const found = resources.flatMap((r) => leaks(r.inputs, [PASSPHRASE, S3_SECRET], r.name));
    expect(found).toEqual([]);
  });
});

describe("items 7 and 8: current patch releases, pinned by digest", () => {
  const version = (image: string): number[] =>
    (/:v?(\d+)\.(\d+)\.(\d+)/.exec(image) ?? []).slice(1).map(Number);
  it.each([
    ["haproxy", [3, 2, 19]],
    ["coturn", [4, 18, 0]],
    ["redis", [7, 4, 10]],
  ] as const)("%s is at least %j", (key, min) => {
    const [major, minor = 0, patch = 0] = version(DEFAULT_IMAGES[key]);
    expect(major).toBe(min[0]);
    expect(minor * 1000 + patch).toBeGreaterThanOrEqual(min[1] * 1000 + min[2]);
  });

  it("runs an image pinned in atrium:imageDigests by its digest", () => {
    const redis = kube.podSpec("Deployment", "atrium-synapse-redis").containers[0];
    expect(redis.image).toBe(`${DEFAULT_IMAGES.redis}@${DIGEST}`);
  });
});
