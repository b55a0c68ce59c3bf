/** The world of the encryption tests: an Element-equivalent user in an encrypted room with the bot. */
import type { StartAtriumOptions, TestUser } from "../harness/atrium";
import { E2eeUser, type SeenMessage } from "../harness/e2ee-user";
import { users, useWorld, type WorldScope } from "../harness/world";

export interface EncryptedRoomOptions<N extends string, X extends object> {
  /** Users registered and invited with the bot, who join with their plain clients. */
  members?: readonly N[];
  /** The bot's power level in the room; 0 leaves it at the default. */
  botLevel?: number;
  /** Starts what the stack's options need first (a feed server whose port the config names). */
  before?: (scope: WorldScope) => Promise<X>;
  /** The stack's options, given what `before` started. */
  atrium?: (before: X) => StartAtriumOptions;
}

/**
 * One stack and "alice": `owner` is her account with a plain client, `alice` her
 * Element-equivalent client (stopped after the file), `roomId` an encrypted room she made with
 * the bot and `members` joined and, unless `botLevel: 0`, the bot at power level 50.
 */
export function useEncryptedRoom<N extends string = never, X extends object = Record<never, never>>(
  opts: EncryptedRoomOptions<N, X> = {},
) {
  return useWorld(async (scope) => {
    const before = opts.before ? await opts.before(scope) : ({} as X);
    const stack = await scope.atrium(opts.atrium?.(before));
    const owner: TestUser = await stack.user("alice");
    const members = await users(stack, ...(opts.members ?? []));
    const alice = await E2eeUser.start(stack.synapse.url, owner.user);
    scope.onStop(() => alice.stop());
    const roomId = await alice.createEncryptedRoom([
      stack.botUserId,
      ...Object.values<TestUser>(members).map((m) => m.user.userId),
    ]);
    await alice.waitForJoin(roomId, stack.botUserId);
    for (const m of Object.values<TestUser>(members)) await m.client.join(roomId);
    const botLevel = opts.botLevel ?? 50;
    if (botLevel > 0) await owner.client.setPowerLevel(roomId, stack.botUserId, botLevel);
    /** Matches the bot's messages whose (decrypted) body matches `pattern`. */
    const fromBot = (pattern: RegExp) => (m: SeenMessage) =>
      m.sender === stack.botUserId && pattern.test(m.body);
    return { ...before, stack, owner, members, alice, roomId, fromBot };
  });
}
