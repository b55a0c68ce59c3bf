/**
 * The pad tests' world, in steps a file composes inside `useWorld`: the people and the pad
 * room, and a stack whose pads open through the test client's origin, with Chromium.
 */
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import type http from "node:http";
import type { AtriumConfigInput } from "@atrium/appservice/dist/config/schema";
import type { AtriumStack, TestUser } from "../harness/atrium";
import { Browsers } from "../harness/chromium";
import { freePort } from "../harness/process-utils";
import { users, type WorldScope } from "../harness/world";
import { startTestPageServer, type TestPageServer } from "./browser";
import { padRoom, type PadRoom } from "./pad-room";

/**
 * Etherpad's API client; "owner" and their pad room (see {@link padRoom}); the users `members`
 * (who join the room) and `others` (who do not); the pad's text set to `text` if given.
 */
export async function padPeople<const M extends string, const O extends string = never>(
  stack: AtriumStack,
  people: { members: readonly M[]; others?: readonly O[]; text?: string },
): Promise<{ etherpad: EtherpadClient; owner: TestUser; room: PadRoom } & Record<M | O, TestUser>> {
  const etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  const owner = await stack.user("owner");
  const named = await users<M | O>(stack, ...people.members, ...(people.others ?? []));
  const room = await padRoom(stack, owner);
  for (const name of people.members) await named[name].client.join(room.roomId);
  if (people.text !== undefined) await etherpad.setText(room.padId, people.text);
  return { etherpad, owner, room, ...named };
}

/** Sessions Etherpad holds for a Matrix user (through the author Atrium maps them to). */
export async function sessionsOf(etherpad: EtherpadClient, user: TestUser): Promise<string[]> {
  const author = await etherpad.authorForUser(user.user.userId);
  return (await etherpad.listSessionsOfAuthor(author)).map((s) => s.sessionId);
}

/**
 * The stack (`config` adjusts Atrium's config), the test client's page server, whose origin the
 * pads open through (see startTestPageServer for why), and Chromium. `onEtherpadRequest` sees
 * what the page server passes to Etherpad.
 */
export async function padsThroughTestPages(
  scope: WorldScope,
  config: (c: AtriumConfigInput) => AtriumConfigInput = (c) => c,
  onEtherpadRequest?: (req: http.IncomingMessage) => void,
) {
  const pagePort = await freePort();
  const stack = await scope.atrium({
    config: (c) => ({
      ...config(c),
      etherpad: { ...c.etherpad, publicUrl: `http://localhost:${pagePort}` },
    }),
  });
  const pages = await testPages(scope, stack, pagePort, onEtherpadRequest);
  const browsers = new Browsers(scope);
  return { stack, browsers, browser: await browsers.launch(), pages };
}

/** The test client's page server (see startTestPageServer) on `port`, closed after the file. */
export async function testPages(
  scope: WorldScope,
  stack: AtriumStack,
  port?: number,
  onEtherpadRequest?: (req: http.IncomingMessage) => void,
): Promise<TestPageServer> {
  const pages = await startTestPageServer(
    port ?? (await freePort()),
    stack.etherpad.url,
    onEtherpadRequest,
  );
  scope.onStop(() => pages.close());
  return pages;
}
