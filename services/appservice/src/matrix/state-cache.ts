/**
 * Room state kept from the events Atrium already receives, so a command costs the homeserver
 * its two writes (the widget state event and the reply) and no reads.
 *
 * A room's state is read in full once (the cold fill, the first time a command or check needs
 * more than one event of it), then kept current by every state event that reaches the
 * appservice and by Atrium's own writes. Events are applied in the homeserver's stream order:
 * `observe` is called when a transaction is recorded (transactions arrive one after another,
 * in stream order), never later when a room's lane gets to the event, so an older event still
 * queued can never overwrite a newer snapshot (issue 22 item 2). An event heard while a room is
 * being read is applied on top of that read when it lands, so it is never lost. The cache thus
 * holds every state event Atrium has seen: a grant (power to add or remove, membership) never
 * rests on a snapshot older than the newest event Atrium heard for the room. State that changes
 * without an event reaching Atrium (rare: state resolution after a federation split) is bounded
 * by `maxAgeMs`, after which the room is read again; a room the bot leaves is forgotten.
 * Single-event reads of rooms that are not cached go to the homeserver (no fill for one event).
 */
import { LRUCache } from "lru-cache";
import type { Counter } from "prom-client";
import { isRoomEvent, type MatrixGateway, type ObservedEvent, type StateEvent } from "./gateway";
export { confirmRefusal } from "./confirm-refusal";

export type { ObservedEvent } from "./gateway";

interface CachedRoom {
  /** `type\0state_key` → event. */
  state: Map<string, StateEvent>;
  filledAt: number;
  /** Which read produced it: a read that started earlier never replaces it. */
  generation: number;
}

/** A full read in flight, and the events heard since it left (applied on top when it lands). */
interface Fill {
  heard: ObservedEvent[];
  /** The bot left meanwhile: the read must not bring the room back. */
  voided: boolean;
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

/** Puts a state event into a cached room (the newest event for its key wins). */
function apply(room: CachedRoom, event: ObservedEvent): void {
  if (typeof event.state_key !== "string") return;
  room.state.set(key(event.type, event.state_key), {
    type: event.type,
    state_key: event.state_key,
    content: event.content,
    sender: event.sender,
    event_id: event.event_id,
  });
}

export class StateCachingGateway implements MatrixGateway {
  private readonly rooms: LRUCache<string, CachedRoom>;
  /** The newest read in flight per room, and every read in flight (they all hear events). */
  private readonly fills = new Map<string, Promise<CachedRoom>>();
  private readonly inFlight = new Map<string, Set<Fill>>();
  private generation = 0;
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
    return this.fills.get(roomId) ?? this.startFill(roomId);
  }

  /**
   * Reads the room in full. Events observed while the read is out are kept and applied on top
   * of it (the read may or may not hold them; applying them again is harmless, losing them is
   * not). The result replaces the cached room only if no later read already did.
   */
  private startFill(roomId: string): Promise<CachedRoom> {
    const generation = ++this.generation;
    const fill: Fill = { heard: [], voided: false };
    let flights = this.inFlight.get(roomId);
    if (!flights) this.inFlight.set(roomId, (flights = new Set()));
    flights.add(fill);
    const done = (async () => {
      this.count("full_state");
      const events = await this.inner.roomState(roomId);
      const room: CachedRoom = { state: new Map(), filledAt: this.now(), generation };
      for (const e of events) room.state.set(key(e.type, e.state_key), e);
      for (const e of fill.heard) apply(room, e);
      const current = this.rooms.get(roomId);
      if (fill.voided || (current && current.generation > generation)) return current ?? room;
      this.rooms.set(roomId, room);
      return room;
    })().finally(() => {
      flights.delete(fill);
      if (flights.size === 0 && this.inFlight.get(roomId) === flights) this.inFlight.delete(roomId);
      if (this.fills.get(roomId) === done) this.fills.delete(roomId);
    });
    this.fills.set(roomId, done);
    return done;
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
    for (const fill of this.inFlight.get(event.room_id) ?? []) fill.heard.push(event);
    const room = this.rooms.get(event.room_id);
    if (room) apply(room, event);
  }

  /** Reads the room again now, whatever read is already out (only when the bot can read it). */
  async refresh(roomId: string): Promise<void> {
    await this.startFill(roomId).catch(() => undefined);
  }

  /**
   * Confirms what a refusal rests on with two small reads: `userId`'s member event and the
   * power levels (issue 22 item 6: a refusal used to cost a full room-state read). What they say
   * is kept, in the cached room and in any read still out. A room the bot cannot read is left.
   */
  async recheck(roomId: string, userId: string): Promise<void> {
    const read = async (type: string, stateKey: string) => {
      this.count("state_read");
      return this.inner.getState(roomId, type, stateKey).catch(() => undefined);
    };
    const [member, power] = await Promise.all([
      read("m.room.member", userId),
      read("m.room.power_levels", ""),
    ]);
    const apply = (type: string, stateKey: string, content: Record<string, unknown> | null) => {
      const event = { room_id: roomId, type, state_key: stateKey, sender: "", event_id: "" };
      // No member event: the user never was in the room (as good as "leave" for every check).
      this.observe({ ...event, content: content ?? { membership: "leave" } });
    };
    if (member !== undefined) apply("m.room.member", userId, member);
    if (power) apply("m.room.power_levels", "", power);
  }

  forget(roomId: string): void {
    this.rooms.delete(roomId);
    // A read still out would bring back what was forgotten (the bot left): let it not land.
    for (const fill of this.inFlight.get(roomId) ?? []) fill.voided = true;
    this.fills.delete(roomId);
  }

  /** Rooms whose state is cached (for metrics and tests). */
  get size(): number {
    return this.rooms.size;
  }
}

/**
 * Hands the state events of a recorded transaction to the cache, in the transaction's order
 * (the homeserver's stream order). Anything not shaped like a state event is skipped.
 */
export function observeRecorded(
  cache: Pick<StateCachingGateway, "observe">,
  events: ReadonlyArray<Record<string, unknown>>,
): void {
  for (const e of events) {
    if (isRoomEvent(e) && typeof e.state_key === "string") cache.observe(e);
  }
}
