import { readFileSync } from "node:fs";
import YAML from "yaml";
import { atriumErrorMap } from "@atrium/widgets";
import { checkedConfigSchema, type AtriumConfig } from "./schema";

/** A configuration that failed validation; `problems` lists every one as `path: message`. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration in ${source}:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Validates a parsed config object; throws ConfigError listing every problem with its path. */
export function parseConfig(raw: unknown, source = "config"): AtriumConfig {
  const result = checkedConfigSchema.safeParse(raw ?? {}, { error: atriumErrorMap });
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`,
    );
    throw new ConfigError(source, problems);
  }
  return deepFreeze(result.data);
}

/** Reads and validates a YAML config file. */
export function loadConfigFile(path: string): AtriumConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error: unknown) {
    throw new ConfigError(path, [`cannot read the file (${(error as Error).message})`]);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error: unknown) {
    throw new ConfigError(path, [`not valid YAML: ${(error as Error).message}`]);
  }
  return parseConfig(raw, path);
}
