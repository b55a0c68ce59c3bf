/** The world of the feed tests: a scripted feed server, a canary, and a stack that may fetch feeds. */
import type { AtriumConfigInput } from "@atrium/appservice/dist/config/schema";
import type { AtriumStack } from "../harness/atrium";
import { useWorld, type WorldScope } from "../harness/world";
import { startCanary, startFeedServer, type FeedServer } from "./feed-server";

/** A scripted feed server on loopback, closed after the file (`useEncryptedRoom`'s `before`). */
export async function feedServerFor(scope: WorldScope): Promise<{ server: FeedServer }> {
  const server = await startFeedServer();
  scope.onStop(() => server.close());
  return { server };
}

/**
 * A scripted feed server (`feedServer`) on loopback, allow-listed by exact port; a canary
 * (`canary`) standing for an internal target, which must see no connection; and the stack, its
 * `feeds` config otherwise `feeds`. `build` adds the file's people and rooms.
 */
export function useFeedWorld<X extends object>(
  feeds: Omit<NonNullable<AtriumConfigInput["feeds"]>, "allowList">,
  build: (stack: AtriumStack, scope: WorldScope) => Promise<X>,
) {
  return useWorld(async (scope) => {
    const [feedServer, canary] = await Promise.all([startFeedServer(), startCanary()]);
    scope.onStop(() => canary.close());
    scope.onStop(() => feedServer.close());
    const stack = await scope.atrium({
      config: (base) => ({
        ...base,
        feeds: { ...feeds, allowList: [`127.0.0.1:${feedServer.port}`] },
      }),
    });
    return { feedServer, canary, stack, ...(await build(stack, scope)) };
  });
}
