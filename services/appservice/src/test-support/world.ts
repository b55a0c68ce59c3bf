/**
 * The real command handler, room actions and workspace over a real store, with a counting fake
 * homeserver and Etherpad (unit tests only): what a user would notice is what gets counted.
 */
import { parseConfig } from "../config/load";
import { configInput } from "./config";
import { CommandHandler } from "../doors/commands/handler";
import { RoomActions } from "../workspace/room-actions";
import { Workspace, type EtherpadPort } from "../workspace/workspace";
import type { MatrixGateway } from "../matrix/gateway";
import type { Store } from "../store/store";
import { createMetrics } from "../util/metrics";

export const ROOM = "!r:x";
export const ALICE = "@alice:x";
export const BOT = "@atrium:x";

export const testConfig = parseConfig(configInput("x"));

export interface WorldOptions {
  /** Makes the next widget state writes fail with this error. */
  failWidgetWrites?: () => unknown;
}

export function world(store: Store, opts: WorldOptions = {}) {
  const padsCreated: string[] = [];
  const widgetWrites: string[] = [];
  const notices: string[] = [];
  const state = new Map<string, Record<string, unknown>>();
  const gateway = {
    botUserId: BOT,
    roomState: async () => [
      { type: "m.room.create", state_key: "", sender: ALICE, content: { room_version: "10" } },
      {
        type: "m.room.power_levels",
        state_key: "",
        content: { users: { [ALICE]: 100, [BOT]: 50 } },
      },
    ],
    getState: async (_room: string, type: string, key = "") => state.get(`${type}|${key}`) ?? null,
    sendState: async (
      _room: string,
      type: string,
      key: string,
      content: Record<string, unknown>,
    ) => {
      if (type === "im.vector.modular.widgets") {
        const failure = opts.failWidgetWrites?.();
        if (failure) throw failure;
        widgetWrites.push(key);
      }
      state.set(`${type}|${key}`, content);
      return "$state";
    },
    sendNotice: async (_room: string, plain: string) => void notices.push(plain),
    joinedMembers: async () => [ALICE, BOT],
  } as unknown as MatrixGateway;
  const etherpad = {
    groupForRoom: async () => "g.group",
    createGroupPad: async (_group: string, name: string) => {
      padsCreated.push(name);
      return `g.group$${name}`;
    },
    deletePad: async () => undefined,
  } as unknown as EtherpadPort;
  const workspace = new Workspace({ config: testConfig, store, gateway, etherpad });
  const actions = new RoomActions({ config: testConfig, store, gateway, workspace });
  const commands = new CommandHandler({
    config: testConfig,
    store,
    gateway,
    actions,
    metrics: createMetrics(),
  });
  return { commands, actions, workspace, gateway, state, padsCreated, widgetWrites, notices };
}
