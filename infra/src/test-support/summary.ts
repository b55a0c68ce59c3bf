/** A readable summary of the captured resource graph: one block per container. */
import { plain, type CapturedResource } from "./mock-stack";

/** Lists every container with its image, networks, published ports and volumes. */
export function summarize(resources: readonly CapturedResource[]): string {
  const imageOf = new Map<string, string>();
  for (const r of resources) {
    if (r.type === "docker:index/remoteImage:RemoteImage")
      imageOf.set(`sha256:${r.name}`, String(r.inputs.name));
  }
  const lines = ["Atrium stack (pulumi mocks):"];
  for (const r of resources.filter((x) => x.type === "docker:index/container:Container")) {
    const c = plain(r.inputs) as Record<string, unknown>;
    const ports = ((c.ports ?? []) as { external: number; protocol: string }[]).map(
      (p) => `${p.external}/${p.protocol}`,
    );
    const nets = ((c.networksAdvanced ?? []) as { name: string; aliases?: string[] }[]).map((n) =>
      n.aliases && n.aliases.length > 0 ? `${n.name} (as ${n.aliases.join(", ")})` : n.name,
    );
    const volumes = ((c.volumes ?? []) as { volumeName: string; containerPath: string }[]).map(
      (v) => `${v.volumeName}:${v.containerPath}`,
    );
    const image = imageOf.get(String(c.image)) ?? `${String(c.image)} (built)`;
    lines.push(
      `- ${String(c.name)}  image ${image}`,
      `    networks: ${nets.join(", ")}`,
      `    published: ${ports.length === 0 ? "none" : compactPorts(ports)}`,
      `    volumes: ${volumes.length === 0 ? "none" : volumes.join(", ")}`,
    );
  }
  return lines.join("\n");
}

/** Collapses runs of consecutive ports with one protocol into ranges. */
function compactPorts(ports: string[]): string {
  const out: string[] = [];
  let start: [number, string] | undefined;
  let prev: number | undefined;
  const flush = (): void => {
    if (start === undefined || prev === undefined) return;
    out.push(start[0] === prev ? `${prev}/${start[1]}` : `${start[0]}-${prev}/${start[1]}`);
  };
  for (const p of ports) {
    const [n, proto] = [Number(p.split("/")[0]), p.split("/")[1] ?? ""];
    if (start !== undefined && prev !== undefined && proto === start[1] && n === prev + 1) {
      prev = n;
      continue;
    }
    flush();
    start = [n, proto];
    prev = n;
  }
  flush();
  return out.join(", ");
}
