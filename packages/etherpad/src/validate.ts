/** Argument checks made before anything is sent: each error names the value and the fix. */
import { EtherpadInputError } from "./errors";

/** Parses and checks the Etherpad base URL. */
export function baseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EtherpadInputError(
      `etherpad.url: "${String(raw)}" is not a valid URL; use e.g. http://127.0.0.1:9001`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new EtherpadInputError(`etherpad.url: protocol ${url.protocol} is not http: or https:`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new EtherpadInputError("etherpad.url: must not have a query or fragment");
  }
  return url;
}

/** A required string argument (room, user, pad or session ID). */
export function nonEmpty(name: string, value: string): void {
  if (typeof value !== "string" || value === "") {
    throw new EtherpadInputError(`${name}: must be a non-empty string`);
  }
}

/** An Etherpad group ID as Etherpad makes them: `g.` and 16 letters or digits. */
export function groupId(value: string): void {
  if (typeof value !== "string" || !/^g\.[a-zA-Z0-9]{16}$/.test(value)) {
    throw new EtherpadInputError(
      `groupId: "${String(value)}" is not an Etherpad group ID (g. and 16 letters or digits); ` +
        "get one from groupForRoom",
    );
  }
}

/** An Etherpad author ID: `a.` and letters or digits. */
export function authorId(value: string): void {
  if (typeof value !== "string" || !/^a\.[a-zA-Z0-9]+$/.test(value)) {
    throw new EtherpadInputError(
      `authorId: "${String(value)}" is not an Etherpad author ID (a.…); get one from authorForUser`,
    );
  }
}

/** Etherpad allows 1–50 characters without `$`; `/ ? & #` would break the pad's URL. */
export function padName(value: string): void {
  if (typeof value !== "string" || !/^[^$/?&#]{1,50}$/.test(value)) {
    throw new EtherpadInputError(
      `padName: "${String(value)}" must be 1 to 50 characters without $ / ? & or #`,
    );
  }
}

/** A session end must be a valid date in the future and at most `maxMs` ahead. */
export function validUntil(value: Date, maxMs: number, now = Date.now()): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new EtherpadInputError("validUntil: not a valid Date");
  }
  const ahead = value.getTime() - now;
  if (ahead <= 0) {
    throw new EtherpadInputError(
      `validUntil: ${value.toISOString()} is not in the future; sessions must end later than now`,
    );
  }
  if (ahead > maxMs) {
    throw new EtherpadInputError(
      `validUntil: ${value.toISOString()} is more than ${maxMs / 3_600_000} h ahead; ` +
        "open shorter sessions and renew them",
    );
  }
}
