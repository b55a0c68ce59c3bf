/** Every secret of the stack: the operator's, or generated once and kept in the stack state. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SECRET_KEYS, type SecretKey } from "../config";

/**
 * Secrets by key. A key set with `pulumi config set --secret` wins; otherwise a random
 * 40-character alphanumeric value (no quoting trouble in YAML, URLs or env files) is generated.
 * Every value is a secret Output.
 */
export class Secrets extends pulumi.ComponentResource {
  private readonly values: Record<SecretKey, pulumi.Output<string>>;

  constructor(
    name: string,
    provided: Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:infra:Secrets", name, {}, opts);
    const values: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
    for (const key of SECRET_KEYS) {
      const given = provided[key];
      values[key] = pulumi.secret(
        given ??
          new random.RandomPassword(
            `${name}-${key}`,
            { length: 40, special: false, minLower: 4, minUpper: 4, minNumeric: 4 },
            { parent: this },
          ).result,
      );
    }
    this.values = values as Record<SecretKey, pulumi.Output<string>>;
    this.registerOutputs({});
  }

  /** The secret for `key`, always marked secret. */
  get(key: SecretKey): pulumi.Output<string> {
    return this.values[key];
  }
}
