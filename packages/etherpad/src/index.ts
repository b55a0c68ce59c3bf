/** `@atrium/etherpad`: typed promise client over etherpad-lite-client. */
export {
  EtherpadClient,
  createEtherpadClient,
  DEFAULT_API_VERSION,
  DEFAULT_TIMEOUT_MS,
  MAX_SESSION_MS,
  type EtherpadClientOptions,
  type EtherpadSession,
} from "./client";
export {
  EtherpadError,
  EtherpadUnavailableError,
  EtherpadApiError,
  EtherpadAuthError,
  EtherpadInputError,
  EtherpadVersionError,
  type EtherpadErrorKind,
} from "./errors";
