/**
 * The stack configuration schema (`atrium:*` keys) and its pure parser, one module per section
 * under `config-schema/`. `config.ts` feeds it the raw values Pulumi holds; tests feed it plain
 * objects.
 */
export {
  CALL_MODES,
  GENERATED_SECRET_KEYS,
  NAMESPACE,
  OPERATOR_SECRET_KEYS,
  SECRET_KEYS,
  type CallMode,
  type GeneratedSecretKey,
  type SecretKey,
} from "./config-schema/keys";
export { pinnedImage } from "./config-schema/fields";
export { rawSchema } from "./config-schema/raw";
export type { BackupSettings, ParsedConfig, StackSettings } from "./config-schema/settings";
export { fixFor, StackConfigError } from "./config-schema/fix";
export { parseStackConfig } from "./config-schema/parse";
