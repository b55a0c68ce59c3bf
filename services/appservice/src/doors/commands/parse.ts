/** Reads a command from a message body. Pure: no I/O. */

export const COMMAND_NAMES = [
  "pad",
  "meet",
  "widget",
  "widgets",
  "remove",
  "pin",
  "unpin",
  "autoconference",
  "feed",
  "help",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

const ALIASES: Record<string, CommandName> = {
  pad: "pad",
  etherpad: "pad",
  meet: "meet",
  jitsi: "meet",
  conference: "meet",
  widget: "widget",
  widgets: "widgets",
  remove: "remove",
  pin: "pin",
  unpin: "unpin",
  autoconference: "autoconference",
  feed: "feed",
  feeds: "feed",
  help: "help",
};

/** Longest body read as a command; longer ones are refused before any parsing. */
export const MAX_COMMAND_LENGTH = 4096;

export type ParsedCommand =
  | { kind: "command"; name: CommandName; args: string[]; rest: string; force: boolean }
  | { kind: "unknown"; word: string }
  | { kind: "too-long"; length: number };

/** Null when the body is not addressed to Atrium (does not start with `!`). */
export function parseCommand(body: unknown): ParsedCommand | null {
  if (typeof body !== "string") return null;
  const text = body.trim();
  if (!text.startsWith("!") || text.length < 2) return null;
  if (text.length > MAX_COMMAND_LENGTH) return { kind: "too-long", length: text.length };
  const [head = "", ...tail] = text.slice(1).split(/\s+/);
  const word = head.toLowerCase();
  const name = ALIASES[word];
  if (!name) return { kind: "unknown", word: head.slice(0, 32) };
  const rest = text.slice(1 + head.length).trim();
  const force = tail.includes("--force");
  const args = tail.filter((a) => a !== "--force");
  return { kind: "command", name, args, rest, force };
}
