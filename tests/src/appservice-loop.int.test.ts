/**
 * The homeserver side of the appservice loop, against a real Synapse: it loads a registration,
 * pushes room events to the appservice URL with the hs_token, lets the as_token act as the bot,
 * and validates OpenID tokens over its federation API.
 */
import * as os from "node:os";
import * as path from "node:path";
import { promises as fs } from "node:fs";
import { randomToken, writeRegistration } from "./harness/appservice-registration";
import { MatrixClient, MatrixError, openIdUserInfo } from "./harness/matrix-client";
import { startSynapse, type SynapseHandle } from "./harness/synapse";
import { startTransactionReceiver, type TransactionReceiver } from "./harness/transaction-receiver";
import { clientFor, registerUser, type RegisteredUser } from "./harness/users";

const hsToken = randomToken();
const asToken = randomToken();
let synapse: SynapseHandle;
let receiver: TransactionReceiver;
let regDir: string;
let bot: MatrixClient;
let alice: RegisteredUser;

beforeAll(async () => {
  receiver = await startTransactionReceiver(hsToken);
  regDir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-loop-reg-"));
  const registration = await writeRegistration(regDir, {
    id: "loop",
    url: receiver.url,
    asToken,
    hsToken,
    senderLocalpart: "loopbot",
    userPrefix: "_loop_",
    aliasPrefixes: ["loop_"],
    serverName: "localhost",
  });
  synapse = await startSynapse({ appserviceRegistrations: [registration] });
  console.log(`Synapse started in ${synapse.startMs} ms`);
  bot = new MatrixClient({
    baseUrl: synapse.url,
    accessToken: asToken,
    userId: "@loopbot:localhost",
    asAppservice: true,
  });
  alice = await registerUser(synapse, { username: "alice", displayname: "Alice" });
});

afterAll(async () => {
  await synapse?.stop();
  await receiver?.stop();
  if (regDir) await fs.rm(regDir, { recursive: true, force: true });
});

describe("appservice transactions", () => {
  it("delivers a member's message to the appservice, authenticated with the hs_token", async () => {
    const roomId = await bot.createRoom({ preset: "public_chat", name: "loop" });
    const aliceClient = clientFor(synapse.url, alice);
    await aliceClient.join(roomId);
    await bot.waitForMembership(roomId, alice.userId, "join");
    const eventId = await aliceClient.sendMessage(roomId, "hello appservice");

    const event = await receiver.waitForEvent((e) => e.event_id === eventId);

    expect(event).toMatchObject({
      type: "m.room.message",
      sender: alice.userId,
      room_id: roomId,
      content: { msgtype: "m.text", body: "hello appservice" },
    });
    expect(receiver.refused).toBe(0);
  });

  it("answers the appservice's ping through the registration url", async () => {
    const res = await bot.request<{ duration_ms: number }>(
      "POST",
      "/_matrix/client/v1/appservice/loop/ping",
      { transaction_id: "ping-1" },
    );
    expect(res.duration_ms).toBeGreaterThanOrEqual(0);
    expect(receiver.requests).toContain("POST /_matrix/app/v1/ping");
  });

  it("refuses the as_token for a user outside the namespace", async () => {
    const outsider = new MatrixClient({
      baseUrl: synapse.url,
      accessToken: asToken,
      userId: "@mallory:localhost",
      asAppservice: true,
    });
    await expect(outsider.createRoom({})).rejects.toMatchObject({
      status: 403,
      errcode: "M_FORBIDDEN",
    });
  });
});

describe("OpenID userinfo on the federation API", () => {
  it("names the user a minted token belongs to", async () => {
    const token = await clientFor(synapse.url, alice).requestOpenIdToken();
    expect(token).toMatchObject({ token_type: "Bearer", matrix_server_name: "localhost" });

    const info = await openIdUserInfo(synapse.url, token.access_token);

    expect(info).toEqual({ status: 200, body: { sub: alice.userId } });
  });

  it.each([
    ["a garbage token", () => "not-a-real-token"],
    ["an access token (not an OpenID token)", () => alice.accessToken],
  ])("refuses %s with 401 M_UNKNOWN_TOKEN", async (_label, token) => {
    const info = await openIdUserInfo(synapse.url, token());
    expect(info.status).toBe(401);
    expect(info.body.errcode).toBe("M_UNKNOWN_TOKEN");
  });
});

describe("MatrixClient against Synapse", () => {
  it("reads missing state as null and turns other failures into MatrixError", async () => {
    const aliceClient = clientFor(synapse.url, alice);
    const roomId = await aliceClient.createRoom({ preset: "private_chat" });
    expect(await aliceClient.getState(roomId, "org.example.nothing", "")).toBeNull();

    const error = await bot.getAllState(roomId).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MatrixError);
    expect(error).toMatchObject({ status: 403, errcode: "M_FORBIDDEN" });
  });

  it("sets a power level and waits for the state", async () => {
    const aliceClient = clientFor(synapse.url, alice);
    const roomId = await aliceClient.createRoom({ preset: "public_chat" });
    await bot.join(roomId);
    await aliceClient.setPowerLevel(roomId, bot.userId, 50);

    const levels = await bot.waitForState<{ users?: Record<string, number> }>(
      roomId,
      "m.room.power_levels",
      "",
      (c) => c.users?.[bot.userId] === 50,
    );

    // Synapse 1.163 creates room version 12, where the creator's power comes from
    // m.room.create and is not listed in power_levels.users.
    expect(levels.users).toEqual({ [bot.userId]: 50 });
  });
});

describe("membership helpers", () => {
  it("invites, joins, reads a message, kicks and bans", async () => {
    const aliceClient = clientFor(synapse.url, alice);
    const bob = clientFor(synapse.url, await registerUser(synapse, { username: "bob" }));
    const roomId = await aliceClient.createRoom({ preset: "private_chat" });

    await aliceClient.invite(roomId, bob.userId);
    await aliceClient.waitForMembership(roomId, bob.userId, "invite");
    await bob.join(roomId);
    await aliceClient.sendMessage(roomId, "welcome bob");
    const seen = await bob.waitForMessage(roomId, (e) => e.content.body === "welcome bob");
    expect(seen.sender).toBe(alice.userId);

    await aliceClient.kick(roomId, bob.userId, "testing");
    await aliceClient.waitForMembership(roomId, bob.userId, "leave");
    await aliceClient.ban(roomId, bob.userId);
    await aliceClient.waitForMembership(roomId, bob.userId, "ban");
    await expect(bob.join(roomId)).rejects.toMatchObject({ status: 403 });
  });

  it("fails a wait with a message naming what it waited for", async () => {
    const aliceClient = clientFor(synapse.url, alice);
    const roomId = await aliceClient.createRoom({});
    await expect(
      aliceClient.waitForState(roomId, "org.example.never", "", undefined, 500),
    ).rejects.toThrow(
      /timed out after 500 ms waiting for state org.example.never\/"" in .*last content: null/,
    );
  });
});
