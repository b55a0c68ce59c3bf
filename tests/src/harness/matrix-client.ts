/** A small typed Matrix client-server API client for tests (plain fetch, no sync loop). */
import { MatrixError } from "./matrix-error";
import { enc, matrixFetch, type MatrixRequest } from "./matrix-http";
import { waitFor } from "./wait";

export { MatrixError } from "./matrix-error";

/** A room event as the client-server API returns it. */
export interface RoomEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id?: string;
  state_key?: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
}

/** Body of `POST /createRoom` (spec names); anything else passes through. */
export interface CreateRoomOptions {
  name?: string;
  topic?: string;
  preset?: "private_chat" | "public_chat" | "trusted_private_chat";
  visibility?: "public" | "private";
  room_alias_name?: string;
  invite?: string[];
  is_direct?: boolean;
  initial_state?: { type: string; state_key?: string; content: Record<string, unknown> }[];
  power_level_content_override?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What `POST /user/{userId}/openid/request_token` returns. */
export interface OpenIdToken {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  expires_in: number;
}

/** Who the client acts as. */
export interface MatrixClientOptions {
  /** Homeserver base URL, e.g. `http://127.0.0.1:8008`. */
  baseUrl: string;
  accessToken: string;
  userId: string;
  /** For an appservice: send `?user_id=<userId>` with the as_token. */
  asAppservice?: boolean;
}

let txnCounter = 0;

/** A Matrix user (or appservice-owned user) talking to one homeserver. */
export class MatrixClient {
  readonly baseUrl: string;
  readonly userId: string;
  private readonly accessToken: string;
  private readonly asAppservice: boolean;

  constructor(opts: MatrixClientOptions) {
    this.baseUrl = opts.baseUrl;
    this.userId = opts.userId;
    this.accessToken = opts.accessToken;
    this.asAppservice = opts.asAppservice ?? false;
  }

  /** Any client-server call, authenticated as this user. */
  request<T>(method: MatrixRequest["method"], path: string, body?: unknown): Promise<T> {
    return matrixFetch<T>(this.baseUrl, {
      method,
      path,
      body,
      accessToken: this.accessToken,
      asUserId: this.asAppservice ? this.userId : undefined,
    });
  }

  private room(roomId: string, rest: string): string {
    return `/_matrix/client/v3/rooms/${enc(roomId)}/${rest}`;
  }

  /** Creates a room and returns its id. */
  async createRoom(opts: CreateRoomOptions = {}): Promise<string> {
    const res = await this.request<{ room_id: string }>(
      "POST",
      "/_matrix/client/v3/createRoom",
      opts,
    );
    return res.room_id;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.request("POST", this.room(roomId, "invite"), { user_id: userId });
  }

  /** Joins by room id or alias; returns the room id. */
  async join(roomIdOrAlias: string): Promise<string> {
    const path = `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`;
    return (await this.request<{ room_id: string }>("POST", path, {})).room_id;
  }

  async leave(roomId: string): Promise<void> {
    await this.request("POST", this.room(roomId, "leave"), {});
  }

  async kick(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.request("POST", this.room(roomId, "kick"), { user_id: userId, reason });
  }

  async ban(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.request("POST", this.room(roomId, "ban"), { user_id: userId, reason });
  }

  /** Sends any room event; returns its event id. */
  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const txn = `atrium-test-${Date.now()}-${++txnCounter}`;
    const path = this.room(roomId, `send/${enc(type)}/${enc(txn)}`);
    return (await this.request<{ event_id: string }>("PUT", path, content)).event_id;
  }

  /** Sends an `m.room.message` (default `m.text`); returns its event id. */
  sendMessage(roomId: string, body: string, msgtype = "m.text"): Promise<string> {
    return this.sendEvent(roomId, "m.room.message", { msgtype, body });
  }

  /** Sets a state event; returns its event id. */
  async sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string> {
    const path = this.room(roomId, `state/${enc(type)}/${enc(stateKey)}`);
    return (await this.request<{ event_id: string }>("PUT", path, content)).event_id;
  }

  /** The content of one state event, or null when there is none (`M_NOT_FOUND`). */
  async getState<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey = "",
  ): Promise<T | null> {
    try {
      return await this.request<T>("GET", this.room(roomId, `state/${enc(type)}/${enc(stateKey)}`));
    } catch (err: unknown) {
      if (err instanceof MatrixError && err.errcode === "M_NOT_FOUND") return null;
      throw err;
    }
  }

  /** Every current state event of the room. */
  getAllState(roomId: string): Promise<RoomEvent[]> {
    return this.request<RoomEvent[]>("GET", this.room(roomId, "state"));
  }

  /** Sets one user's power level, keeping the rest of `m.room.power_levels`. */
  async setPowerLevel(roomId: string, userId: string, level: number): Promise<void> {
    const current = (await this.getState(roomId, "m.room.power_levels")) ?? {};
    const users = {
      ...((current.users as Record<string, number> | undefined) ?? {}),
      [userId]: level,
    };
    await this.sendState(roomId, "m.room.power_levels", "", { ...current, users });
  }

  /** Mints an OpenID token for this user (what a widget gets through `get_openid`). */
  requestOpenIdToken(): Promise<OpenIdToken> {
    const path = `/_matrix/client/v3/user/${enc(this.userId)}/openid/request_token`;
    return this.request<OpenIdToken>("POST", path, {});
  }

  /** Recent room events, newest first. */
  async messages(roomId: string, limit = 50): Promise<RoomEvent[]> {
    const path = this.room(roomId, `messages?dir=b&limit=${limit}`);
    return (await this.request<{ chunk: RoomEvent[] }>("GET", path)).chunk;
  }

  /** Waits until the state event exists (and matches `predicate`); returns its content. */
  waitForState<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey: string,
    predicate: (content: T) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<T> {
    let last: T | null = null;
    return waitFor(
      `state ${type}/"${stateKey}" in ${roomId}`,
      async () => {
        last = await this.getState<T>(roomId, type, stateKey);
        return last !== null && predicate(last) ? last : undefined;
      },
      { timeoutMs, describeLast: () => `last content: ${JSON.stringify(last)}` },
    );
  }

  /** Waits until a recent `m.room.message` matches; returns that event. */
  waitForMessage(
    roomId: string,
    predicate: (event: RoomEvent) => boolean,
    timeoutMs = 30_000,
  ): Promise<RoomEvent> {
    let seen: string[] = [];
    return waitFor(
      `a matching message in ${roomId}`,
      async () => {
        const events = (await this.messages(roomId)).filter((e) => e.type === "m.room.message");
        seen = events.slice(0, 5).map((e) => `${e.sender}: ${String(e.content.body)}`);
        return events.find(predicate);
      },
      { timeoutMs, describeLast: () => `latest messages: ${JSON.stringify(seen)}` },
    );
  }

  /** Waits until `userId`'s membership in the room is `membership`. */
  async waitForMembership(
    roomId: string,
    userId: string,
    membership: "join" | "invite" | "leave" | "ban" | "knock",
    timeoutMs = 30_000,
  ): Promise<void> {
    await this.waitForState<{ membership?: string }>(
      roomId,
      "m.room.member",
      userId,
      (c) => c.membership === membership,
      timeoutMs,
    );
  }
}

/**
 * Asks a homeserver's federation API who an OpenID token belongs to
 * (`GET /_matrix/federation/v1/openid/userinfo`). Returns the HTTP status and body as they are.
 */
export async function openIdUserInfo(
  baseUrl: string,
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL("/_matrix/federation/v1/openid/userinfo", baseUrl);
  url.searchParams.set("access_token", accessToken);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
