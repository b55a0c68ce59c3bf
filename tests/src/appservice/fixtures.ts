/** Shared steps of the appservice integration tests: a room with the bot in it, replies. */
import type { AtriumStack, TestUser } from "../harness/atrium";
import type { RoomEvent } from "../harness/matrix-client";
import { MEGOLM } from "../harness/e2ee-user";

export const WIDGETS = "im.vector.modular.widgets";

/**
 * A public room created by `owner`, with the bot invited, joined, and at power level 50. With
 * `encrypted`, a private room with encryption on from its creation.
 */
export async function roomWithBot(
  stack: AtriumStack,
  owner: TestUser,
  opts: { botLevel?: number; name?: string; encrypted?: boolean } = {},
): Promise<string> {
  const roomId = await owner.client.createRoom({
    preset: opts.encrypted ? "private_chat" : "public_chat",
    name: opts.name ?? "Team",
    ...(opts.encrypted
      ? {
          initial_state: [
            { type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } },
          ],
        }
      : {}),
  });
  await owner.client.invite(roomId, stack.botUserId);
  await owner.client.waitForMembership(roomId, stack.botUserId, "join", 30_000);
  if ((opts.botLevel ?? 50) > 0)
    await owner.client.setPowerLevel(roomId, stack.botUserId, opts.botLevel ?? 50);
  return roomId;
}

/** Sends a message and waits for the bot's notice that answers it (the next one after it). */
export async function command(
  stack: AtriumStack,
  who: TestUser,
  roomId: string,
  body: string,
): Promise<RoomEvent> {
  const before = await notices(stack, who, roomId);
  await who.client.sendMessage(roomId, body);
  return who.client.waitForMessage(
    roomId,
    (e) =>
      e.sender === stack.botUserId &&
      e.content.msgtype === "m.notice" &&
      !before.has(e.event_id) &&
      !isWorkspaceMessage(e),
    30_000,
  );
}

/**
 * The room's pinned workspace message (posted or edited when widgets change, racing the reply
 * to a command): never the answer to a command.
 */
export function isWorkspaceMessage(e: RoomEvent): boolean {
  return isWorkspaceBody(String(e.content.body ?? ""));
}

/** The body of the room's pinned workspace message (or of its edit), as a client shows it. */
export function isWorkspaceBody(body: string): boolean {
  return /^(\* )?This room's workspace — /.test(body);
}

async function notices(stack: AtriumStack, who: TestUser, roomId: string): Promise<Set<string>> {
  const events = await who.client.messages(roomId);
  return new Set(events.filter((e) => e.sender === stack.botUserId).map((e) => e.event_id));
}

/** The widget state events in a room, keyed by state key, without removed ones. */
export async function widgetsIn(
  who: TestUser,
  roomId: string,
): Promise<Map<string, Record<string, unknown>>> {
  const state = await who.client.getAllState(roomId);
  const map = new Map<string, Record<string, unknown>>();
  for (const e of state) {
    if (e.type === WIDGETS && e.state_key !== undefined && Object.keys(e.content).length > 0) {
      map.set(e.state_key, e.content);
    }
  }
  return map;
}
