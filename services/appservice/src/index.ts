// @atrium/appservice: start() boots Atrium in-process (the CLI is main.ts).
import "./crypto-optional";
export { start, checkRegistration, type AtriumHandle, type RegistrationLike } from "./app";
export { parseConfig, loadConfigFile, ConfigError } from "./config/load";
export { configSchema, type AtriumConfig, type AtriumConfigInput } from "./config/schema";
export { buildRegistration } from "./registration";
export { parseCommand } from "./doors/commands/parse";
