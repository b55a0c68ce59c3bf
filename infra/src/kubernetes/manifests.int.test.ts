import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KubeView } from "../test-support/kube-view";
import { kubernetesValidate } from "../test-support/kubernetes-validate";
import { runProgram as runPulumi, type CapturedResource } from "../test-support/mock-stack";
import { runProgram, tempDir } from "../test-support/process";
import { MINIMAL_CONFIG } from "../test-support/config";

// Every manifest the Kubernetes target renders, validated strictly (unknown fields refused)
// against the OpenAPI schemas of Kubernetes 1.33 by kubernetes-validate. No cluster runs
// here: this checks shape and types, not admission or scheduling. This run takes the other
// options: bridges on a port each behind LoadBalancers, PostgreSQL in the cluster, every
// worker type, an offsite backup target.
export const KUBERNETES_VERSION = "1.33.0";

let resources: CapturedResource[];

beforeAll(async () => {
  ({ resources } = await runPulumi({
    ...MINIMAL_CONFIG,
    target: "kubernetes",
    // An offsite target: the backup CronJob gains its encrypted copy (and egress to S3).
    backupS3Endpoint: "https://s3.example.net",
    backupS3Bucket: "atrium-backups",
    backupS3AccessKeyId: "AKIAEXAMPLEKEY",
    backupS3SecretAccessKey: "s3-secret-access-key-0123456789",
    backupEncryptionPassphrase: "offsite-encryption-passphrase-0123456789",
    kubernetes: JSON.stringify({
      appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
      postgres: "cluster",
      storageClass: "fast",
      jvbMode: "ports",
      jvbReplicas: 3,
      workers: {
        synchrotron: 2,
        "client-reader": 2,
        "event-creator": 1,
        "event-persister": 2,
        "federation-inbound": 1,
        "federation-reader": 1,
        "federation-sender": 1,
        pusher: 1,
        "device-lists": 2,
        "typing-persister": 1,
        encryption: 1,
        "account-data": 1,
        receipts: 1,
        "presence-writer": 1,
        "push-rules": 1,
        "user-dir": 1,
        "media-repository": 1,
        appservice: 1,
        background: 1,
      },
    }),
  }));
}, 60000);

it(`validates every manifest against Kubernetes ${KUBERNETES_VERSION}'s schemas (strict)`, async () => {
  const validator = await kubernetesValidate();
  const objects = new KubeView(resources).objects();
  expect(objects.length).toBeGreaterThan(60);
  const dir = tempDir("manifests");
  const files = objects.map((o, i) => {
    const file = join(dir, `${String(i).padStart(3, "0")}-${o.kind}-${o.metadata.name}.json`);
    // JSON, as Pulumi sends objects to the API server (and a YAML 1.2 writer's bare `no`
    // would read as false to the validator's YAML 1.1 parser).
    writeFileSync(file, JSON.stringify(o));
    return file;
  });
  const result = await runProgram(validator, [
    "--strict",
    "-k",
    KUBERNETES_VERSION,
    "--quiet",
    ...files,
  ]);
  expect([result.code, result.stdout + result.stderr]).toEqual([0, ""]);
  // The validator does refuse a field the schema lacks (so the pass above means something).
  const bad = join(dir, "bad.json");
  const first = objects.find((o) => o.kind === "Deployment");
  writeFileSync(bad, JSON.stringify({ ...first, spec: { ...first?.spec, replica: 2 } }));
  const refused = await runProgram(validator, [
    "--strict",
    "-k",
    KUBERNETES_VERSION,
    "--quiet",
    bad,
  ]);
  expect(refused.code).not.toBe(0);
}, 120000);

it("gives bridge i its own UDP port and LoadBalancer, and the address it advertises", () => {
  const kube = new KubeView(resources);
  for (const i of [0, 1, 2]) {
    const svc = kube.get("Service", `atrium-jitsi-jvb-${i}`);
    expect(svc.spec).toEqual(
      expect.objectContaining({
        type: "LoadBalancer",
        selector: { "statefulset.kubernetes.io/pod-name": `atrium-jitsi-jvb-${i}` },
        ports: [{ name: "media", port: 10000 + i, targetPort: 10000 + i, protocol: "UDP" }],
      }),
    );
  }
  // Without a LoadBalancer address yet (mocks), each bridge advertises atrium:publicIp.
  expect(kube.get("ConfigMap", "atrium-jitsi-jvb-addresses").data).toEqual({
    "0": "203.0.113.10",
    "1": "203.0.113.10",
    "2": "203.0.113.10",
  });
  const jvb = kube.get("StatefulSet", "atrium-jitsi-jvb");
  expect(jvb.spec?.replicas).toBe(3);
  expect(jvb.spec?.template.spec.containers[0].command[2]).toContain("JVB_PORT=$((10000 + ord))");
});

it("runs PostgreSQL in the cluster when asked, reachable only by the services that use it", () => {
  const kube = new KubeView(resources);
  expect(kube.get("StatefulSet", "atrium-postgres").spec?.replicas).toBe(1);
  const policy = kube.get("NetworkPolicy", "atrium-allow-postgres").spec?.ingress[0];
  expect(policy.ports).toEqual([{ port: 5432, protocol: "TCP" }]);
  expect(policy.from).toHaveLength(5);
});
