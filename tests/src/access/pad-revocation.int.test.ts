/**
 * Pad-session revocation survives Etherpad being down (issue 22, item 4), on the real Etherpad
 * 1.8.14: a member leaves while Etherpad is stopped; the session they held must still be ended
 * once Etherpad is back (its sessions live in its database, so they outlive the restart), and
 * meanwhile Atrium must not open the room's pads for them again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createEtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { startEtherpad, type EtherpadHandle } from "../harness/etherpad";
import { waitFor } from "../harness/wait";
import { clientReady } from "./etherpad-socket";
import { askForSession, padRoom, type PadRoom } from "./pad-room";

let stack: AtriumStack;
let etherpad: EtherpadHandle | null;
let dataDir: string;
let port: number;
let owner: TestUser;
let member: TestUser;
let room: PadRoom;

beforeAll(async () => {
  // An Etherpad of the test's own, with a data dir and port kept across its restart.
  dataDir = await mkdtemp(path.join(tmpdir(), "atrium-revocation-pad-"));
  etherpad = await startEtherpad({ dataDir });
  port = etherpad.port;
  const pad = etherpad;
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      etherpad: {
        ...c.etherpad,
        url: pad.url,
        publicUrl: pad.url.replace("127.0.0.1", "localhost"),
        apiKey: pad.apiKey,
        timeoutMs: 2000,
      },
    }),
  });
  [owner, member] = [await stack.user("owner"), await stack.user("member")];
  room = await padRoom({ ...stack, etherpad: pad }, owner);
  await member.client.join(room.roomId);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await etherpad?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it("ends a leaver's session once Etherpad is back, and opens no pad for them meanwhile", async () => {
  const grant = await askForSession(stack, room, await member.client.requestOpenIdToken());
  expect(grant.status).toBe(200);
  const session = String(grant.sessionId);
  const url = etherpad!.url;
  expect(await clientReady(url, room.padId, session)).toBe("grant");

  await etherpad!.stop();
  etherpad = null;
  await member.client.leave(room.roomId);
  // Longer than the event's own retries (about 3 s) used to last.
  await new Promise((r) => setTimeout(r, 8000));
  await member.client.join(room.roomId);
  const meanwhile = await askForSession(stack, room, await member.client.requestOpenIdToken());
  expect(meanwhile.status).toBe(503);
  expect(meanwhile.body.error).toMatch(/still ending/i);
  expect(meanwhile.sessionId).toBeNull();

  etherpad = await startEtherpad({ dataDir, port });
  const api = createEtherpadClient({ url, apiKey: etherpad.apiKey });
  await waitFor(
    "the leaver's session to be ended after Etherpad came back",
    async () => ((await clientReady(url, room.padId, session)) === "deny" ? true : undefined),
    { timeoutMs: 45_000, describeLast: () => "Etherpad still grants the session" },
  );
  const author = await api.authorForUser(member.user.userId);
  expect((await api.listSessionsOfAuthor(author)).map((s) => s.sessionId)).not.toContain(session);
  // Confirmed: the member (joined again) may open the pad once more.
  await waitFor(
    "the pad to open again for the member",
    async () => {
      const again = await askForSession(stack, room, await member.client.requestOpenIdToken());
      return again.status === 200 ? again : undefined;
    },
    { timeoutMs: 15_000, describeLast: () => "still refused" },
  );
}, 180_000);
