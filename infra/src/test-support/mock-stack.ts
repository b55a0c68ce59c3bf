/**
 * Runs the Pulumi program under `pulumi.runtime.setMocks` and captures every resource's inputs.
 * Mocks must be set before the program is imported, so callers import it through here.
 */
import * as pulumi from "@pulumi/pulumi";

/** A resource as the program registered it. */
export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as sent to the engine: secret values keep their secret wrapper. */
  readonly inputs: Record<string, unknown>;
}

/** Pulumi's wire marker for a secret value. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a captured input value is marked secret. */
export function isSecretInput(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/** The plain value of a captured input, secret wrappers removed at every depth. */
export function plain(value: unknown): unknown {
  if (isSecretInput(value)) return plain((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * Sets the mocks and the stack config, imports the program, and resolves with what it
 * registered and its exports.
 */
export async function runProgram(
  config: Record<string, string>,
  secretKeys: readonly string[] = [],
): Promise<{ resources: CapturedResource[]; outputs: Record<string, unknown> }> {
  const resources: CapturedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
        });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") {
          // The mock ignores additionalSecretOutputs, so return the result as a secret ourselves.
          state.result = pulumi.secret(`Mock-${args.name}-0123456789abcdef0123456789`);
        }
        if (args.type === "random:index/randomBytes:RandomBytes")
          state.base64 = pulumi.secret(Buffer.alloc(32, args.name.length).toString("base64"));
        if (args.type === "docker:index/remoteImage:RemoteImage")
          state.imageId = `sha256:${args.name}`;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "atrium",
    "test",
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`atrium:${k}`, v])),
    secretKeys.map((k) => `atrium:${k}`),
  );
  // A plain require: the program must share this module registry's @pulumi/pulumi (and its
  // mocks); once per test file, as jest gives each file its own registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const outputs = require("../index") as Record<string, unknown>;
  await settle(() => resources.length);
  return { resources, outputs };
}

/** Waits until no new resource has been registered for a while. */
async function settle(count: () => number): Promise<void> {
  let last = -1;
  while (count() !== last) {
    last = count();
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Paths in `value` where one of `secrets` appears outside a secret wrapper. */
export function leaks(
  value: unknown,
  secrets: readonly string[],
  where: string,
  inSecret = false,
): string[] {
  const secretHere = inSecret || isSecretInput(value);
  const inner = isSecretInput(value) ? (value as { value: unknown }).value : value;
  if (typeof inner === "string") {
    return !secretHere && secrets.some((s) => inner.includes(s)) ? [where] : [];
  }
  if (Array.isArray(inner)) {
    return inner.flatMap((v, i) => leaks(v, secrets, `${where}[${i}]`, secretHere));
  }
  if (typeof inner === "object" && inner !== null) {
    return Object.entries(inner).flatMap(([k, v]) =>
      leaks(v, secrets, `${where}.${k}`, secretHere),
    );
  }
  return [];
}
