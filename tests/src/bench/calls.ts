/**
 * `pnpm bench -- --calls`: MatrixRTC token latency when M members of one room join its call at
 * once (default 50), against the real Synapse and the appservice process; the SFU's HTTP API is
 * the stand-in (room creation is a loopback call). Each figure comes with its floor, the least
 * any authorisation service must do for the same answer:
 *
 * - `get_token` through the homeserver (Synapse authenticates, proxies to Atrium, Atrium reads
 *   the membership, creates the LiveKit room, records the grant, signs) vs the floor "Synapse
 *   authenticates the member and reads their membership" (`GET /rooms/{id}/state/m.room.member/
 *   {user}` with the member's token);
 * - the same `get_token` sent straight to Atrium's appservice listener (what Atrium adds without
 *   the homeserver's proxying);
 * - the legacy `/sfu/get` (OpenID check with the homeserver + membership) vs the floor "the
 *   homeserver's OpenID userinfo, then the membership read".
 */
import { performance } from "node:perf_hooks";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { startLivekitStandin } from "../harness/livekit-standin";
import { callsStackOptions } from "../harness/matrixrtc-homeserver";
import { roomWithBot } from "../appservice/fixtures";

const SFU_URL = "wss://sfu.bench.test";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Runs `fn` for every member at once, `rounds` times; latencies in ms, sorted. */
async function burst<T>(
  members: T[],
  rounds: number,
  fn: (m: T, i: number) => Promise<void>,
): Promise<number[]> {
  const all: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const times = await Promise.all(
      members.map(async (m, i) => {
        const t = performance.now();
        await fn(m, r * members.length + i);
        return performance.now() - t;
      }),
    );
    all.push(...times);
  }
  return all.sort((a, b) => a - b);
}

const summary = (sorted: number[]) => ({
  p50_ms: +percentile(sorted, 50).toFixed(1),
  p99_ms: +percentile(sorted, 99).toFixed(1),
  samples: sorted.length,
});

async function ok(res: Promise<Response>, what: string): Promise<void> {
  const r = await res;
  if (r.status !== 200) throw new Error(`bench: ${what} answered ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
}

export async function callsBench(opts: { members: number; rounds: number }) {
  const sfu = await startLivekitStandin();
  let stack: AtriumStack | undefined;
  try {
    stack = await startAtrium(
      callsStackOptions(SFU_URL, sfu, (c) => ({ ...c, logging: { level: "warn" } })),
    );
    const s = stack;
    sfu.webhookUrl = `${s.webUrl}/atrium/rtc/webhook`;
    const owner = await s.user("owner");
    const roomId = await roomWithBot(s, owner, { name: "Bench call" });
    const members: TestUser[] = [];
    for (let i = 0; i < opts.members; i++) {
      const m = await s.user(`m${i}`);
      await m.client.join(roomId);
      members.push(m);
    }
    const hs = s.synapse.url;
    const auth = (m: TestUser) => ({ Authorization: `Bearer ${m.user.accessToken}` });
    const memberPath = (m: TestUser) =>
      `${hs}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(m.user.userId)}`;

    // Warm-up: one of each, not measured.
    await ok(fetch(memberPath(owner), { headers: auth(owner) }), "warm-up");

    const floorHs = await burst(members, opts.rounds, (m) =>
      ok(fetch(memberPath(m), { headers: auth(m) }), "membership read"),
    );
    const getToken = await burst(members, opts.rounds, (m, i) =>
      ok(
        fetch(`${hs}/_matrix/client/v1/rtc/livekit/get_token`, {
          method: "POST",
          headers: { ...auth(m), "Content-Type": "application/json" },
          body: JSON.stringify({
            room_id: roomId,
            slot_id: "m.call#ROOM",
            member_id: `b${i}`,
            url: SFU_URL,
          }),
        }),
        "get_token",
      ),
    );

    // The same requests straight to Atrium's appservice listener, as Synapse forwards them: what
    // Atrium itself adds, without the homeserver's proxying.
    const direct = await burst(members, opts.rounds, (m, i) =>
      ok(
        fetch(`${s.appserviceUrl}/_matrix/client/v1/rtc/livekit/get_token`, {
          method: "POST",
          headers: {
            Authorization: `Bearer ${s.registration.hs_token}`,
            "X-Matrix-User-Identifier": m.user.userId,
            "Content-Type": "application/json",
          },
          body: JSON.stringify({
            room_id: roomId,
            slot_id: "m.call#ROOM",
            member_id: `d${i}`,
            url: SFU_URL,
          }),
        }),
        "get_token (direct)",
      ),
    );

    // The legacy flow is limited per client address (60 a minute): one burst of fresh tokens.
    const tokens = await Promise.all(members.map((m) => m.client.requestOpenIdToken()));
    const floorOpenId = await burst(members, 1, async (m, i) => {
      const token = (tokens[i] as unknown as { access_token: string }).access_token;
      await ok(
        fetch(
          `${hs}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token)}`,
        ),
        "userinfo",
      );
      await ok(fetch(memberPath(m), { headers: auth(owner) }), "membership read");
    });
    const fresh = await Promise.all(members.map((m) => m.client.requestOpenIdToken()));
    const legacy = await burst(members, 1, (_m, i) =>
      ok(
        fetch(`${s.webUrl}/atrium/rtc/sfu/get`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ room: roomId, openid_token: fresh[i], device_id: `D${i}` }),
        }),
        "sfu/get",
      ),
    );
    return {
      members: opts.members,
      rounds: opts.rounds,
      get_token_via_homeserver: summary(getToken),
      floor_homeserver_auth_and_membership: summary(floorHs),
      get_token_straight_to_atrium: summary(direct),
      legacy_sfu_get: summary(legacy),
      floor_openid_userinfo_and_membership: summary(floorOpenId),
    };
  } finally {
    await stack?.stop();
    await sfu.close();
  }
}
