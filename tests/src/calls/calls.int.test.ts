/**
 * MatrixRTC calls against the real Synapse 1.163.2 (MSC4512 proxy and MSC4502 on, the
 * registration Atrium generates) and the appservice process; the SFU's HTTP API is the one
 * stand-in (harness/livekit-standin.ts). A member's `get_token` through the homeserver yields a
 * JWT that livekit-server-sdk's TokenVerifier accepts for that room and identity only; others
 * are refused; leaving, a kick or a ban both refuses new tokens and removes the participant from
 * the SFU, also when the SFU was down at the time.
 */
import { createHash } from "node:crypto";
import { TokenVerifier } from "livekit-server-sdk";
import type { TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";
import { SFU_URL, useCallRoom } from "./fixtures";

const SLOT = "m.call#ROOM";
const w = useCallRoom("Calls", { webhooks: true });

/** MSC4195's derivation, written out independently of Atrium's code. */
const hash = (parts: string[]) =>
  createHash("sha256").update(JSON.stringify(parts)).digest("base64").replace(/=+$/, "");

async function member(name: string): Promise<TestUser> {
  const who = await w.stack.user(name);
  await who.client.join(w.roomId);
  return who;
}

function getToken(who: TestUser, body: Record<string, unknown>, version = "v1") {
  const prefix = version === "v1" ? "v1" : "unstable/io.element.msc4195";
  return fetch(`${w.stack.synapse.url}/_matrix/client/${prefix}/rtc/livekit/get_token`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${who.user.accessToken}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

const tokenBody = (memberId: string) => ({
  room_id: w.roomId,
  slot_id: SLOT,
  member_id: memberId,
  url: SFU_URL,
});

async function joinCall(who: TestUser, memberId: string) {
  const res = await getToken(who, tokenBody(memberId));
  expect(res.status).toBe(200);
  const { jwt } = (await res.json()) as { jwt: string };
  return w.sfu.connect(jwt);
}

async function expectRefused(who: TestUser, memberId: string) {
  const res = await getToken(who, tokenBody(memberId));
  expect(res.status).toBe(403);
  expect(((await res.json()) as { errcode: string }).errcode).toBe("M_FORBIDDEN");
}

const inSfu = (room: string, identity: string) => w.sfu.rooms.get(room)?.has(identity) ?? false;

/** Waits until `cond` holds. */
const until = (what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000) =>
  waitFor(what, async () => ((await cond()) ? true : undefined), { timeoutMs });

it("is discoverable: .well-known rtc_foci names Atrium's legacy endpoint, /rtc/transports the SFU", async () => {
  const wellKnown = (await (
    await fetch(`${w.stack.synapse.url}/.well-known/matrix/client`)
  ).json()) as Record<string, unknown>;
  expect(wellKnown["org.matrix.msc4143.rtc_foci"]).toEqual([
    { type: "livekit", livekit_service_url: `${w.stack.config.web.publicUrl}/atrium/rtc` },
  ]);
  const res = await fetch(
    `${w.stack.synapse.url}/_matrix/client/unstable/org.matrix.msc4143/rtc/transports`,
    {
      headers: { Authorization: `Bearer ${w.owner.user.accessToken}` },
    },
  );
  expect(res.status).toBe(200);
  expect(JSON.stringify(await res.json())).toContain(SFU_URL);
});

it("gives a member, through the homeserver, a JWT for this room's call only, with the MSC4195 identity", async () => {
  const alice = await member("alice");
  for (const version of ["v1", "unstable"]) {
    const res = await getToken(alice, tokenBody("alice-member-1"), version);
    const body = (await res.json()) as { jwt: string; url: string };
    if (res.status !== 200) throw new Error(`get_token ${res.status}: ${JSON.stringify(body)}`);
    expect(body.url).toBe(SFU_URL);
    const claims = await new TokenVerifier(w.sfu.apiKey, w.sfu.apiSecret).verify(body.jwt);
    const room = hash([w.roomId, SLOT]);
    expect(claims.sub).toBe(hash([alice.user.userId, "alice-member-1"]));
    expect(claims.video).toMatchObject({
      room,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
    });
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.video?.roomCreate).toBeFalsy();
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(600);
    // The room was created by Atrium (the SFU does not auto-create) before the token came back.
    expect(w.sfu.calls).toContainEqual(
      expect.objectContaining({
        method: "CreateRoom",
        body: expect.objectContaining({ name: room }),
      }),
    );
    // Signed with another secret, the token is refused.
    await expect(
      new TokenVerifier(w.sfu.apiKey, "x".repeat(40)).verify(body.jwt),
    ).rejects.toThrow();
  }
});

it("refuses a non-member with 403 and creates no room for them", async () => {
  const stranger = await w.stack.user("stranger");
  const other = await stranger.client.createRoom({ preset: "private_chat", name: "Theirs" });
  const before = w.sfu.calls.length;
  await expectRefused(stranger, "s1");
  // A room the bot is not in: the homeserver answers is_joined, and the stranger is not joined.
  const res = await getToken(w.owner, { ...tokenBody("o1"), room_id: other });
  expect(res.status).toBe(403);
  expect(w.sfu.calls.slice(before).filter((c) => c.method === "CreateRoom")).toEqual([]);
});

it("refuses a url that is not this server's SFU and a request without the homeserver's token", async () => {
  const res = await getToken(w.owner, { ...tokenBody("o2"), url: "wss://elsewhere.example" });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errcode: string }).errcode).toBe("M_INVALID_PARAM");
  const direct = await fetch(`${w.stack.appserviceUrl}/_matrix/client/v1/rtc/livekit/get_token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Matrix-User-Identifier": w.owner.user.userId,
    },
    body: JSON.stringify(tokenBody("o3")),
  });
  expect(direct.status).toBe(401);
  // MSC4195's optional delayed-leave delegation is not offered: a clear 404 through Synapse.
  const delegate = await fetch(
    `${w.stack.synapse.url}/_matrix/client/v1/rtc/livekit/delegate_delayed_leave`,
    {
      method: "POST",
      headers: {
        Authorization: `Bearer ${w.owner.user.accessToken}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ ...tokenBody("o4"), delay_id: "d1" }),
    },
  );
  expect([delegate.status, ((await delegate.json()) as { errcode: string }).errcode]).toEqual([
    404,
    "M_UNRECOGNIZED",
  ]);
});

it.each([
  ["leaves", async (who: TestUser) => who.client.leave(w.roomId)],
  ["is kicked", async (who: TestUser) => w.owner.client.kick(w.roomId, who.user.userId)],
  ["is banned", async (who: TestUser) => w.owner.client.ban(w.roomId, who.user.userId)],
])("a member who %s is removed from the SFU and refused afterwards", async (_what, act) => {
  const bob = await member("bob");
  const joined = await joinCall(bob, "bob-1");
  expect(inSfu(joined.room, joined.identity)).toBe(true);
  await act(bob);
  await until("the removal", () => !inSfu(joined.room, joined.identity));
  expect(w.sfu.calls).toContainEqual({
    method: "RemoveParticipant",
    body: expect.objectContaining({ room: joined.room, identity: joined.identity }),
  });
  await expectRefused(bob, "bob-2");
});

it("removes a banned member once the SFU is back when it was down during the ban", async () => {
  const carol = await member("carol");
  const joined = await joinCall(carol, "carol-1");
  await w.sfu.stop();
  await w.owner.client.ban(w.roomId, carol.user.userId);
  // Long enough for Atrium to have tried and failed (it retries with backoff).
  await new Promise((r) => setTimeout(r, 3000));
  expect(inSfu(joined.room, joined.identity)).toBe(true);
  await w.sfu.start();
  await until(
    "the removal after the SFU came back",
    () => !inSfu(joined.room, joined.identity),
    60_000,
  );
});

it("removes a participant who connects with a token minted before they left (webhook re-check)", async () => {
  const dave = await member("dave");
  const res = await getToken(dave, tokenBody("dave-1"));
  const { jwt } = (await res.json()) as { jwt: string };
  await dave.client.leave(w.roomId);
  // Give the leave a moment to reach Atrium, then connect with the old, still valid token.
  await until(
    "the refusal",
    async () => (await getToken(dave, tokenBody("dave-2"))).status === 403,
  );
  const joined = await w.sfu.connect(jwt);
  await until("the webhook removal", () => !inSfu(joined.room, joined.identity));
});

it("refuses webhooks with a bad signature", async () => {
  const body = JSON.stringify({
    event: "participant_joined",
    room: { name: "x" },
    participant: { identity: "y" },
  });
  const res = await fetch(`${w.stack.webUrl}/atrium/rtc/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/webhook+json", Authorization: "not-a-jwt" },
    body,
  });
  expect(res.status).toBe(401);
});
