/** pino loggers: one per module, JSON in containers, child loggers per event. */
import pino, { type Logger } from "pino";

let root: Logger = pino({
  name: "atrium",
  level: process.env.ATRIUM_LOG_LEVEL ?? "info",
  redact: {
    paths: [
      "as_token",
      "hs_token",
      "apiKey",
      "access_token",
      "token",
      "sessionID",
      "sessionId",
      "*.as_token",
      "*.hs_token",
      "*.apiKey",
      "*.access_token",
      "*.token",
    ],
    censor: "[redacted]",
  },
});

export function setLogLevel(level: string): void {
  root.level = level;
}

export function replaceRootLogger(logger: Logger): void {
  root = logger;
}

export function logger(module: string): Logger {
  return root.child({ module });
}
