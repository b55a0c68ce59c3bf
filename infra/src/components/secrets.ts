/** Every secret of the stack: the operator's, or generated once and kept in the stack state. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  GENERATED_SECRET_KEYS,
  OPERATOR_SECRET_KEYS,
  type GeneratedSecretKey,
  type SecretKey,
} from "../config";

/**
 * Secrets by key. A key set with `pulumi config set --secret` wins; otherwise a random
 * 40-character alphanumeric value (no quoting trouble in YAML, URLs or env files) is generated.
 * Every value is a secret Output.
 */
export class Secrets extends pulumi.ComponentResource {
  private readonly values: Record<GeneratedSecretKey, pulumi.Output<string>>;
  private readonly operatorOnly: Partial<Record<SecretKey, pulumi.Output<string>>>;

  constructor(
    name: string,
    provided: Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("atrium:infra:Secrets", name, {}, opts);
    const values: Partial<Record<GeneratedSecretKey, pulumi.Output<string>>> = {};
    for (const key of GENERATED_SECRET_KEYS) {
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
    this.values = values as Record<GeneratedSecretKey, pulumi.Output<string>>;
    this.operatorOnly = {};
    for (const key of OPERATOR_SECRET_KEYS) {
      const given = provided[key];
      if (given !== undefined) this.operatorOnly[key] = pulumi.secret(given);
    }
    this.registerOutputs({});
  }

  /** The secret for `key`, always marked secret. */
  get(key: GeneratedSecretKey): pulumi.Output<string> {
    return this.values[key];
  }

  /** A secret only the operator can set (never generated), or undefined when unset. */
  optional(key: (typeof OPERATOR_SECRET_KEYS)[number]): pulumi.Output<string> | undefined {
    return this.operatorOnly[key];
  }
}
