/** Lookups over the resources a mocked program run registered. */
import { plain, type CapturedResource } from "./mock-stack";

const CONTAINER = "docker:index/container:Container";

/** Typed access to containers, their uploads and environment, and generated secrets. */
export class StackView {
  constructor(private readonly resources: readonly CapturedResource[]) {}

  ofType(type: string): CapturedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  containers(): CapturedResource[] {
    return this.ofType(CONTAINER);
  }

  container(name: string): CapturedResource {
    const found = this.containers().find((c) => c.name === name);
    if (found === undefined) throw new Error(`no container resource "${name}"`);
    return found;
  }

  /** The content of a file uploaded into a container, secret wrappers removed. */
  upload(name: string, file: string): string {
    const uploads = plain(this.container(name).inputs.uploads) as {
      file: string;
      content: string;
    }[];
    const found = uploads.find((u) => u.file === file);
    if (found === undefined) throw new Error(`${name} has no upload ${file}`);
    return found.content;
  }

  /** The value of one environment variable of a container. */
  env(name: string, key: string): string | undefined {
    return (plain(this.container(name).inputs.envs) as string[] | undefined)
      ?.find((e) => e.startsWith(`${key}=`))
      ?.slice(key.length + 1);
  }

  /** The values the mocks returned for every generated RandomPassword. */
  generatedSecrets(): string[] {
    return this.ofType("random:index/randomPassword:RandomPassword").map((r) => `Mock-${r.name}`);
  }
}
