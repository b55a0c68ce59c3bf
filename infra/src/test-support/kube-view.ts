/** Lookups over the Kubernetes objects a mocked program run registered. */
import { plain, type CapturedResource } from "./mock-stack";

/** A Kubernetes object as sent to the provider, secret wrappers removed. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  readonly spec?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
  readonly [key: string]: unknown;
}

export class KubeView {
  constructor(private readonly resources: readonly CapturedResource[]) {}

  /** Every Kubernetes resource the program registered. */
  captured(): CapturedResource[] {
    return this.resources.filter((r) => r.type.startsWith("kubernetes:"));
  }

  objects(kind?: string): KubeObject[] {
    return this.captured()
      .map((r) => plain(r.inputs) as KubeObject)
      .filter((o) => kind === undefined || o.kind === kind);
  }

  get(kind: string, name: string): KubeObject {
    const found = this.objects(kind).find((o) => o.metadata.name === name);
    if (found === undefined) throw new Error(`no ${kind} "${name}"`);
    return found;
  }

  names(kind: string): string[] {
    return this.objects(kind)
      .map((o) => o.metadata.name)
      .sort();
  }

  /** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
  // Tests walk pod specs freely; the schema check (manifests.int.test.ts) types them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  podSpec(kind: string, name: string): Record<string, any> {
    const o = this.get(kind, name);
    return kind === "CronJob" ? o.spec?.jobTemplate.spec.template.spec : o.spec?.template.spec;
  }

  /** Workloads with a pod template, as [kind, name]. */
  workloads(): [string, string][] {
    return ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].flatMap((kind) =>
      this.names(kind).map((name): [string, string] => [kind, name]),
    );
  }
}

/** A one-block-per-workload summary of the Kubernetes resource graph (the preview's gist). */
export function summarizeKube(view: KubeView): string {
  const lines = ["Atrium on Kubernetes (pulumi mocks):"];
  for (const [kind, name] of view.workloads()) {
    const o = view.get(kind, name);
    const pod = view.podSpec(kind, name);
    const replicas =
      kind === "DaemonSet"
        ? "one per labelled node"
        : kind.endsWith("Job")
          ? "job"
          : String(o.spec?.replicas);
    const ports = (
      pod.containers as {
        ports?: { containerPort: number; hostPort?: number; protocol?: string }[];
      }[]
    )
      .flatMap((c) => c.ports ?? [])
      .map(
        (p) =>
          `${p.containerPort}/${(p.protocol ?? "TCP").toLowerCase()}${p.hostPort ? " (host)" : ""}`,
      );
    lines.push(
      `- ${kind} ${name}  replicas ${replicas}${o.spec?.strategy?.type ? `, ${o.spec.strategy.type}` : ""}${pod.hostNetwork ? ", host network" : ""}`,
      `    image ${(pod.containers as { image: string }[]).map((c) => c.image).join(", ")}`,
      `    ports: ${ports.length === 0 ? "none" : ports.join(", ")}`,
    );
  }
  const count = (kind: string) => `${view.objects(kind).length} ${kind}`;
  lines.push(
    `and ${["Service", "ConfigMap", "Secret", "PersistentVolumeClaim", "PodDisruptionBudget", "NetworkPolicy", "Ingress"].map(count).join(", ")}`,
  );
  return lines.join("\n");
}
