/** Fakes of the ports the web modules use (unit tests only). */
import pino from "pino";
import { configSchema, type AtriumConfigInput } from "../../../config/schema";
import type { StateEvent } from "../../../matrix/gateway";
import type { WidgetRow } from "../../../store/store";
import type { PadSessionTable } from "../../../store/schema";
import { configInput } from "../../../test-support/config";
import { AccessError } from "../../../matrix/access-error";
import type { WebDeps } from "../server";

export const ROOM = "!room:example.org";
export const PAD = "g.abcdefghijklmnop$notes";

/** A room's state: members (userId → membership), power levels, create content. */
export interface FakeRoom {
  members?: Record<string, string | { membership: string; displayname?: string }>;
  powerLevels?: Record<string, unknown> | null;
  create?: Record<string, unknown>;
  createSender?: string;
  /** The bot is not in the room: every read fails with M_FORBIDDEN. */
  botAbsent?: boolean;
}

export function fakeGateway(room: FakeRoom) {
  const forbidden = () =>
    Object.assign(new Error("not in room"), { errcode: "M_FORBIDDEN", statusCode: 403 });
  return {
    calls: 0,
    async getState(
      _roomId: string,
      type: string,
      stateKey = "",
    ): Promise<Record<string, unknown> | null> {
      this.calls++;
      if (room.botAbsent) throw forbidden();
      if (type === "m.room.member") {
        const m = room.members?.[stateKey];
        if (m === undefined) return null;
        return typeof m === "string" ? { membership: m } : { ...m };
      }
      if (type === "m.room.power_levels") return room.powerLevels ?? null;
      if (type === "m.room.create")
        return room.create ?? { creator: "@creator:example.org", room_version: "10" };
      return null;
    },
    async roomState(): Promise<StateEvent[]> {
      if (room.botAbsent) throw forbidden();
      return [
        {
          type: "m.room.create",
          state_key: "",
          content: room.create ?? {},
          sender: room.createSender ?? "@creator:example.org",
        },
      ];
    },
  };
}

/** An OpenID verifier that knows `token-<userId>` tokens and refuses the rest. */
export function fakeOpenId() {
  return {
    async verify(creds: { access_token: string }): Promise<string> {
      if (creds.access_token.startsWith("token-")) return creds.access_token.slice("token-".length);
      throw new AccessError(401, "M_UNKNOWN_TOKEN", "the homeserver refused this token");
    },
  };
}

/** What a widget sends to open widget `widgetId` of {@link ROOM} as `user` (see fakeOpenId). */
export const openRequest = (user: string, widgetId = "w1") => ({
  roomId: ROOM,
  widgetId,
  openid: { access_token: `token-${user}` },
});

export function padRow(extra: Partial<WidgetRow> = {}): WidgetRow {
  return {
    room_id: ROOM,
    widget_id: "w1",
    kind: "etherpad",
    name: "notes",
    url: "https://atrium.example.org/atrium/pad",
    pad_id: PAD,
    conference_id: null,
    creator: "@creator:example.org",
    created_at: 1,
    archived_at: null,
    archived_by: null,
    ...extra,
  };
}

export function fakeStore(rows: WidgetRow[]) {
  const sessions: PadSessionTable[] = [];
  return {
    sessions,
    async widget(roomId: string, widgetId: string): Promise<WidgetRow | undefined> {
      return rows.find((r) => r.room_id === roomId && r.widget_id === widgetId);
    },
    async savePadSession(row: PadSessionTable): Promise<void> {
      sessions.push(row);
    },
  };
}

export function fakeEtherpad() {
  const created: Array<{ groupId: string; authorId: string; validUntil: Date }> = [];
  return {
    created,
    authors: [] as Array<{ userId: string; name?: string }>,
    async authorForUser(userId: string, name?: string): Promise<string> {
      this.authors.push({ userId, ...(name !== undefined ? { name } : {}) });
      return `a.author${this.authors.length}`;
    },
    async createSession(groupId: string, authorId: string, validUntil: Date): Promise<string> {
      created.push({ groupId, authorId, validUntil });
      return `s.session${created.length}`;
    },
    async getReadOnlyId(_padId: string): Promise<string> {
      return "r.readonly0000001";
    },
    async getText(_padId: string): Promise<string> {
      return "the pad's text\n";
    },
  };
}

/** No pad-session revocation pending, for route tests over {@link fakeStore} (it has no db). */
export const noRevocations = { pending: async (): Promise<boolean> => false };

/**
 * The pages' config: pages on localhost:9001, Etherpad's public side on localhost:9002.
 * `etherpad` adds to that section; any other key replaces its whole section.
 */
export function pagesConfig(
  extra: Omit<Partial<AtriumConfigInput>, "etherpad"> & {
    etherpad?: Partial<AtriumConfigInput["etherpad"]>;
  } = {},
) {
  const { etherpad, ...sections } = extra;
  return configSchema.parse(
    configInput("example.org", {
      web: { publicUrl: "http://localhost:9001" },
      etherpad: {
        url: "http://127.0.0.1:2",
        publicUrl: "http://localhost:9002",
        apiKey: "k".repeat(20),
        ...etherpad,
      },
      ...sections,
    }),
  );
}

/** The web modules' deps over the fakes: one pad ({@link padRow}) in a room of `room`'s state. */
export function fakeWebDeps(config: WebDeps["config"], room: FakeRoom) {
  const store = fakeStore([padRow()]);
  const deps = {
    config,
    store,
    etherpad: fakeEtherpad(),
    gateway: fakeGateway(room),
    log: pino({ level: "silent" }),
  } as unknown as WebDeps;
  return { deps, store };
}
