/** The world of the call tests: the SFU stand-in, a stack whose calls use it, a room with the bot. */
import { roomWithBot } from "../appservice/fixtures";
import { startLivekitStandin } from "../harness/livekit-standin";
import { callsStackOptions } from "../harness/matrixrtc-homeserver";
import { useWorld } from "../harness/world";

/** The SFU's websocket URL clients are sent to (nothing listens there: the tests use its API). */
export const SFU_URL = "wss://sfu.example.test";

/**
 * The SFU stand-in (`sfu`), a stack with calls on, and a room called `name` that `owner` made
 * with the bot. With `webhooks`, the stand-in posts its webhooks to Atrium as LiveKit would.
 */
export function useCallRoom(name: string, opts: { webhooks?: boolean } = {}) {
  return useWorld(async (scope) => {
    const sfu = await startLivekitStandin();
    scope.onStop(() => sfu.close());
    const stack = await scope.atrium(callsStackOptions(SFU_URL, sfu));
    if (opts.webhooks) sfu.webhookUrl = `${stack.webUrl}/atrium/rtc/webhook`;
    const owner = await stack.user("owner");
    const roomId = await roomWithBot(stack, owner, { name });
    return { sfu, stack, owner, roomId };
  });
}
