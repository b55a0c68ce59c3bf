/** What every Docker component of a service receives. */
import type { StackSettings } from "../config";
import type { Networks } from "./networks";
import type { Secrets } from "./secrets";

/** The stack's settings, its private networks and its secrets. */
export interface StackArgs {
  readonly settings: StackSettings;
  readonly networks: Networks;
  readonly secrets: Secrets;
}
