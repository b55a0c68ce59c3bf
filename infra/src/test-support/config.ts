/** Stack configs for tests: the least one needs, and what the parser refuses. */
import { parseStackConfig, StackConfigError } from "../config-schema";

/** The keys every stack sets (the Docker target; every other key has a default). */
export const MINIMAL_CONFIG = {
  domain: "example.org",
  acmeEmail: "admin@example.org",
  publicIp: "203.0.113.10",
} as const;

/** The problems parseStackConfig reports for `raw`; fails the test when it accepts it. */
export function configProblems(raw: Record<string, unknown>): readonly string[] {
  try {
    parseStackConfig(raw);
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a StackConfigError");
}
