/**
 * Room state kept from the events Atrium already receives, so a command costs the homeserver
 * its two writes (the widget state event and the reply) and no reads.
 *
 * A room's state is read in full once (the cold fill, the first time a command or check needs
 * more than one event of it), then kept current by every state event that reaches the
 * appservice (`observe`, called by the event processor in each room's order) and by Atrium's
 * own writes. Because the processor applies a room's events in order, applying an event that
 * the fill already contained writes the same content again, and the room ends at its latest
 * state. State that changes without an event reaching Atrium (rare: state resolution after a
 * federation split) is bounded by `maxAgeMs`, after which the room is read again; a room the
 * bot leaves is forgotten. Single-event reads of rooms that are not cached go to the
 * homeserver as before (no fill for one event).
 */
import { LRUCache } from "lru-cache";
import type { Counter } from "prom-client";
import type { MatrixGateway, StateEvent } from "./gateway";

/** A state event as the processor sees it (only the fields the cache needs). */
export interface ObservedEvent {
  room_id: string;
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
  sender: string;
  event_id: string;
}

interface CachedRoom {
  /** `type\0state_key` → event. */
  state: Map<string, StateEvent>;
  filledAt: number;
}

export interface StateCacheOptions {
  /** Rooms kept; the least recently used are dropped beyond it. Default 5000. */
  maxRooms?: number;
  /** Age after which a room is read again in full. Default one hour. */
  maxAgeMs?: number;
  /** Homeserver requests by kind (Atrium's own client metrics). */
  requests?: Counter<"kind">;
  now?: () => number;
}

const key = (type: string, stateKey: string) => `${type}\0${stateKey}`;

export class StateCachingGateway implements MatrixGateway {
  private readonly rooms: LRUCache<string, CachedRoom>;
  private readonly fills = new Map<string, Promise<CachedRoom>>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: MatrixGateway,
    private readonly opts: StateCacheOptions = {},
  ) {
    this.rooms = new LRUCache({ max: opts.maxRooms ?? 5000 });
    this.maxAgeMs = opts.maxAgeMs ?? 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  get botUserId(): string {
    return this.inner.botUserId;
  }

  private count(kind: string): void {
    this.opts.requests?.inc({ kind });
  }

  /** The cached room if fresh, else undefined. */
  private fresh(roomId: string): CachedRoom | undefined {
    const room = this.rooms.get(roomId);
    if (room && this.now() - room.filledAt < this.maxAgeMs) return room;
    return undefined;
  }

  /** The room's state, read in full once (concurrent callers share the read). */
  private async room(roomId: string): Promise<CachedRoom> {
    const cached = this.fresh(roomId);
    if (cached) return cached;
    let fill = this.fills.get(roomId);
    if (!fill) {
      fill = (async () => {
        this.count("full_state");
        const events = await this.inner.roomState(roomId);
        const room: CachedRoom = { state: new Map(), filledAt: this.now() };
        for (const e of events) room.state.set(key(e.type, e.state_key), e);
        this.rooms.set(roomId, room);
        return room;
      })().finally(() => this.fills.delete(roomId));
      this.fills.set(roomId, fill);
    }
    return fill;
  }

  async getState(
    roomId: string,
    type: string,
    stateKey = "",
  ): Promise<Record<string, unknown> | null> {
    const room = this.fresh(roomId);
    if (room) return room.state.get(key(type, stateKey))?.content ?? null;
    this.count("state_read");
    return this.inner.getState(roomId, type, stateKey);
  }

  async roomState(roomId: string): Promise<StateEvent[]> {
    return [...(await this.room(roomId)).state.values()];
  }

  async joinedMembers(roomId: string): Promise<string[]> {
    const room = await this.room(roomId);
    const members: string[] = [];
    for (const e of room.state.values()) {
      if (e.type === "m.room.member" && e.content.membership === "join") members.push(e.state_key);
    }
    return members;
  }

  async sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string> {
    this.count("state_write");
    const eventId = await this.inner.sendState(roomId, type, stateKey, content);
    const room = this.rooms.get(roomId);
    if (room) {
      room.state.set(key(type, stateKey), {
        type,
        state_key: stateKey,
        content,
        sender: this.botUserId,
        event_id: eventId,
      });
    }
    return eventId;
  }

  async sendNotice(roomId: string, plain: string, html: string, dedupeKey?: string): Promise<void> {
    this.count("message");
    await this.inner.sendNotice(roomId, plain, html, dedupeKey);
  }

  async join(roomIdOrAlias: string): Promise<string> {
    this.count("join");
    return this.inner.join(roomIdOrAlias);
  }

  async leave(roomId: string): Promise<void> {
    this.count("leave");
    await this.inner.leave(roomId);
    this.forget(roomId);
  }

  async createRoom(options: Record<string, unknown>): Promise<string> {
    this.count("create_room");
    return this.inner.createRoom(options);
  }

  async ping(): Promise<void> {
    await this.inner.ping();
  }

  /** Applies a state event the appservice received to its room, if that room is cached. */
  observe(event: ObservedEvent): void {
    if (typeof event.state_key !== "string") return;
    if (
      event.type === "m.room.member" &&
      event.state_key === this.botUserId &&
      event.content.membership !== "join" &&
      event.content.membership !== "invite"
    ) {
      // The bot left or was removed: it will not hear of this room's changes any more.
      this.forget(event.room_id);
      return;
    }
    const room = this.rooms.get(event.room_id);
    if (!room) return;
    room.state.set(key(event.type, event.state_key), {
      type: event.type,
      state_key: event.state_key,
      content: event.content,
      sender: event.sender,
      event_id: event.event_id,
    });
  }

  /** Drops the room and reads it again now (only when the bot can read it). */
  async refresh(roomId: string): Promise<void> {
    this.forget(roomId);
    await this.room(roomId).catch(() => undefined);
  }

  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** Rooms whose state is cached (for metrics and tests). */
  get size(): number {
    return this.rooms.size;
  }
}

/**
 * Decides from the cached state; when the decision is a refusal, reads the room again from the
 * homeserver and decides once more. A change the appservice has not heard of yet (a power level
 * granted a moment ago, a join) then never causes a refusal; the homeserver has the last word.
 * Grants are not re-read: the events that take rights away reach the cache in the room's order.
 */
export async function confirmRefusal<T>(
  gateway: Pick<MatrixGateway, "refresh">,
  roomId: string,
  decide: () => Promise<T>,
  refuses: (decision: T) => boolean,
): Promise<T> {
  const first = await decide();
  if (!refuses(first) || !gateway.refresh) return first;
  await gateway.refresh(roomId);
  return decide();
}
