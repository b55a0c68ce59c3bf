/** Typed promise client over `etherpad-lite-client`. */
import { EtherpadApiError, EtherpadInputError, EtherpadVersionError } from "./errors";
import { Transport } from "./transport";
import { compareVersions, fetchCurrentVersion, isVersion } from "./version";
import * as check from "./validate";

/** Options of {@link createEtherpadClient}. */
export interface EtherpadClientOptions {
  /** Base URL of Etherpad, e.g. `http://127.0.0.1:9001` (a path prefix is kept). */
  url: string;
  /** Etherpad's API key (the content of its APIKEY.txt). */
  apiKey: string;
  /** API version to call; default `1.2.15` (the latest of Etherpad 1.8.14). */
  apiVersion?: string;
  /** Timeout of every call in milliseconds; default 5000. */
  timeoutMs?: number;
}

/** One Etherpad session, as listed by {@link EtherpadClient.listSessionsOfAuthor}. */
export interface EtherpadSession {
  sessionId: string;
  groupId: string;
  validUntil: Date;
}

/** Longest session {@link EtherpadClient.createSession} accepts. */
export const MAX_SESSION_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_API_VERSION = "1.2.15";
export const DEFAULT_TIMEOUT_MS = 5000;

/** Typed Etherpad HTTP API client: every call times out and throws an `EtherpadError`. */
export class EtherpadClient {
  /** The base URL, without credentials: safe to log. */
  readonly url: string;
  readonly apiVersion: string;
  private readonly transport: Transport;
  private readonly timeoutMs: number;

  constructor(opts: EtherpadClientOptions) {
    const url = check.baseUrl(opts.url);
    if (typeof opts.apiKey !== "string" || opts.apiKey.trim() === "") {
      throw new EtherpadInputError("etherpad.apiKey: empty; set it to the content of APIKEY.txt");
    }
    this.apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
    if (!isVersion(this.apiVersion)) {
      throw new EtherpadInputError(
        `etherpad.apiVersion: "${this.apiVersion}" is not a version like 1.2.15`,
      );
    }
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new EtherpadInputError(
        `etherpad.timeoutMs: ${String(opts.timeoutMs)} is not a positive whole number of ms`,
      );
    }
    this.transport = new Transport({
      url,
      apiKey: opts.apiKey,
      apiVersion: this.apiVersion,
      timeoutMs: this.timeoutMs,
    });
    this.url = this.transport.baseUrl;
  }

  /** `GET /api`: Etherpad's current API version; throws if older than `apiVersion`. */
  async checkApiVersion(): Promise<string> {
    const current = await fetchCurrentVersion(this.url, this.timeoutMs);
    if (compareVersions(current, this.apiVersion) < 0) {
      throw new EtherpadVersionError(this.url, current, this.apiVersion);
    }
    return current;
  }

  /** The Etherpad group of a Matrix room (created on first use): `g.…`. */
  async groupForRoom(roomId: string): Promise<string> {
    check.nonEmpty("roomId", roomId);
    const data = await this.transport.call("createGroupIfNotExistsFor", { groupMapper: roomId });
    return field(data, "groupID", "createGroupIfNotExistsFor");
  }

  /** Creates `groupId$padName`; an existing pad of that name counts as success (retry-safe). */
  async createGroupPad(groupId: string, padName: string, text?: string): Promise<string> {
    check.groupId(groupId);
    check.padName(padName);
    const args: Record<string, string> = { groupID: groupId, padName };
    if (text !== undefined) args.text = text;
    try {
      const data = await this.transport.call("createGroupPad", args);
      return field(data, "padID", "createGroupPad");
    } catch (err) {
      if (err instanceof EtherpadApiError && err.etherpadMessage === "padName does already exist") {
        return `${groupId}$${padName}`;
      }
      throw err;
    }
  }

  /** Pad IDs of a group. */
  async listPads(groupId: string): Promise<string[]> {
    check.groupId(groupId);
    const data = await this.transport.call("listPads", { groupID: groupId });
    return stringArray(data, "padIDs", "listPads");
  }

  /** Every pad ID on the server. */
  async listAllPads(): Promise<string[]> {
    return stringArray(await this.transport.call("listAllPads"), "padIDs", "listAllPads");
  }

  /** The Etherpad author of a Matrix user (created on first use): `a.…`. */
  async authorForUser(userId: string, displayName?: string): Promise<string> {
    check.nonEmpty("userId", userId);
    const args: Record<string, string> = { authorMapper: userId };
    if (displayName !== undefined) args.name = displayName;
    const data = await this.transport.call("createAuthorIfNotExistsFor", args);
    return field(data, "authorID", "createAuthorIfNotExistsFor");
  }

  /** Opens a session (`s.…`) for an author in a group, ending at `validUntil` (max 24 h ahead). */
  async createSession(groupId: string, authorId: string, validUntil: Date): Promise<string> {
    check.groupId(groupId);
    check.authorId(authorId);
    check.validUntil(validUntil, MAX_SESSION_MS);
    const data = await this.transport.call("createSession", {
      groupID: groupId,
      authorID: authorId,
      validUntil: Math.floor(validUntil.getTime() / 1000),
    });
    return field(data, "sessionID", "createSession");
  }

  /** Deletes a session; a session that does not exist counts as deleted. */
  async deleteSession(sessionId: string): Promise<void> {
    check.nonEmpty("sessionId", sessionId);
    try {
      await this.transport.call("deleteSession", { sessionID: sessionId });
    } catch (err) {
      if (err instanceof EtherpadApiError && err.etherpadMessage === "sessionID does not exist") {
        return;
      }
      throw err;
    }
  }

  /** Sessions of an author (Etherpad's stale entries are left out). */
  async listSessionsOfAuthor(authorId: string): Promise<EtherpadSession[]> {
    check.authorId(authorId);
    const data = await this.transport.call("listSessionsOfAuthor", { authorID: authorId });
    return sessionList(data);
  }

  /** Read-only ID (`r.…`) of a pad. */
  async getReadOnlyId(padId: string): Promise<string> {
    check.nonEmpty("padId", padId);
    const data = await this.transport.call("getReadOnlyID", { padID: padId });
    return field(data, "readOnlyID", "getReadOnlyID");
  }

  /** Current text of a pad. */
  async getText(padId: string): Promise<string> {
    check.nonEmpty("padId", padId);
    return field(await this.transport.call("getText", { padID: padId }), "text", "getText");
  }

  /** Replaces the text of a pad. */
  async setText(padId: string, text: string): Promise<void> {
    check.nonEmpty("padId", padId);
    await this.transport.call("setText", { padID: padId, text });
  }

  /** Deletes a pad. */
  async deletePad(padId: string): Promise<void> {
    check.nonEmpty("padId", padId);
    await this.transport.call("deletePad", { padID: padId });
  }

  /** When the pad was last edited. */
  async getLastEdited(padId: string): Promise<Date> {
    check.nonEmpty("padId", padId);
    const data = await this.transport.call("getLastEdited", { padID: padId });
    return new Date(numberField(data, "lastEdited", "getLastEdited"));
  }

  /** How many users have the pad open now. */
  async padUsersCount(padId: string): Promise<number> {
    check.nonEmpty("padId", padId);
    const data = await this.transport.call("padUsersCount", { padID: padId });
    return numberField(data, "padUsersCount", "padUsersCount");
  }
}

/** Creates an {@link EtherpadClient}; throws `EtherpadInputError` on bad options. */
export function createEtherpadClient(opts: EtherpadClientOptions): EtherpadClient {
  return new EtherpadClient(opts);
}

function shapeError(apiFunction: string, what: string): EtherpadApiError {
  return new EtherpadApiError(apiFunction, -1, `unexpected answer: ${what}`);
}

function field(data: unknown, key: string, apiFunction: string): string {
  const v = (data as Record<string, unknown> | null)?.[key];
  if (typeof v !== "string") throw shapeError(apiFunction, `no string ${key}`);
  return v;
}

function numberField(data: unknown, key: string, apiFunction: string): number {
  const v = (data as Record<string, unknown> | null)?.[key];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw shapeError(apiFunction, `no number ${key}`);
  }
  return v;
}

function stringArray(data: unknown, key: string, apiFunction: string): string[] {
  const v = (data as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw shapeError(apiFunction, `no string array ${key}`);
  }
  return v;
}

function sessionList(data: unknown): EtherpadSession[] {
  if (data === null || data === undefined) return [];
  if (typeof data !== "object") throw shapeError("listSessionsOfAuthor", "not an object");
  const out: EtherpadSession[] = [];
  for (const [sessionId, info] of Object.entries(data as Record<string, unknown>)) {
    if (info === null) continue; // Etherpad lists sessions it can no longer find as null.
    const { groupID, validUntil } = (info ?? {}) as { groupID?: unknown; validUntil?: unknown };
    if (typeof groupID !== "string" || typeof validUntil !== "number") {
      throw shapeError("listSessionsOfAuthor", `session ${sessionId} lacks groupID or validUntil`);
    }
    out.push({ sessionId, groupId: groupID, validUntil: new Date(validUntil * 1000) });
  }
  return out;
}
