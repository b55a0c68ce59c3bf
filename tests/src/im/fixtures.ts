/** The world of the integration manager tests. */
import type { AtriumStack } from "../harness/atrium";
import { users, type WorldScope } from "../harness/world";
import { roomWithBot } from "../appservice/fixtures";
import { useFeedWorld } from "../feeds/fixtures";

/**
 * A scripted feed server (`feedServer`, allow-listed by exact port as in feeds.int.test) and a
 * canary standing for an internal target; the stack; "owner", "member" and "stranger"; and
 * `roomId`, a room called `roomName` that the owner made with the bot and the member joined.
 * `more` adds what else the file needs (a browser, the host page).
 */
export function useImRoom<X extends object = Record<never, never>>(
  roomName: string,
  more: (stack: AtriumStack, scope: WorldScope) => Promise<X> = async () => ({}) as X,
) {
  return useFeedWorld({ timeoutMs: 2000 }, async (stack, scope) => {
    const people = await users(stack, "owner", "member", "stranger");
    const roomId = await roomWithBot(stack, people.owner, { name: roomName });
    await people.member.client.join(roomId);
    return { ...people, roomId, ...(await more(stack, scope)) };
  });
}
