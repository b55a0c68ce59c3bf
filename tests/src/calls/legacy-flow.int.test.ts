/**
 * The legacy MatrixRTC token flow (`rtc_foci` `livekit_service_url` = `<web>/atrium/rtc`):
 * `POST /atrium/rtc/sfu/get` with an OpenID token from the real Synapse 1.163.2, checked with
 * the user's homeserver AND for room membership (lk-jwt-service checks no membership). Forged,
 * expired and other-server tokens are refused; so are rooms Atrium's bot is not in unless the
 * homeserver answers `is_joined` (MSC4502). The SFU's HTTP API is the stand-in.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { TokenVerifier } from "livekit-server-sdk";
import { SFU_URL, useCallRoom } from "./fixtures";

const w = useCallRoom("Legacy");

type Body = { url?: string; jwt?: string; errcode?: string; error?: string };

async function sfuGet(openid: Record<string, unknown>, room = w.roomId, deviceId = "DEVICE1") {
  const res = await fetch(`${w.stack.webUrl}/atrium/rtc/sfu/get`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: "https://call.example.org" },
    body: JSON.stringify({ room, openid_token: openid, device_id: deviceId }),
  });
  return {
    status: res.status,
    cors: res.headers.get("access-control-allow-origin"),
    body: (await res.json()) as Body,
  };
}

it("gives a member a token for this room's call, identity <user>:<device>, room of slot m.call#ROOM", async () => {
  const openid = await w.owner.client.requestOpenIdToken();
  const res = await sfuGet(openid as unknown as Record<string, unknown>);
  expect(res.status).toBe(200);
  expect(res.cors).toBe("*");
  expect(res.body.url).toBe(SFU_URL);
  const claims = await new TokenVerifier(w.sfu.apiKey, w.sfu.apiSecret).verify(res.body.jwt!);
  expect(claims.sub).toBe(`${w.owner.user.userId}:DEVICE1`);
  // The same LiveKit room as the homeserver flow's slot m.call#ROOM, so both kinds of client meet.
  const { createHash } = await import("node:crypto");
  const room = createHash("sha256")
    .update(JSON.stringify([w.roomId, "m.call#ROOM"]))
    .digest("base64")
    .replace(/=+$/, "");
  expect(claims.video).toMatchObject({ room, roomJoin: true, canPublish: true });
  expect(claims.video?.roomAdmin).toBeFalsy();
  expect(w.sfu.rooms.has(room)).toBe(true);
});

it("answers the CORS preflight like lk-jwt-service", async () => {
  const res = await fetch(`${w.stack.webUrl}/atrium/rtc/sfu/get`, {
    method: "OPTIONS",
    headers: { Origin: "https://call.example.org", "Access-Control-Request-Method": "POST" },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
  expect(res.headers.get("access-control-allow-methods")).toBe("POST");
});

it("refuses a non-member's valid token with 403", async () => {
  const stranger = await w.stack.user("stranger");
  const openid = await stranger.client.requestOpenIdToken();
  const res = await sfuGet(openid as unknown as Record<string, unknown>);
  expect(res.status).toBe(403);
  expect(res.body.errcode).toBe("M_FORBIDDEN");
  expect(res.body.jwt).toBeUndefined();
});

it("refuses a forged token (401) and a token said to be from another server (403)", async () => {
  const forged = await sfuGet({ access_token: "forged-token", matrix_server_name: "localhost" });
  expect([forged.status, forged.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
  const openid = await w.owner.client.requestOpenIdToken();
  const foreign = await sfuGet({
    ...(openid as unknown as Record<string, unknown>),
    matrix_server_name: "evil.example",
  });
  expect([foreign.status, foreign.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
});

it("refuses an expired token", async () => {
  const openid = (await w.owner.client.requestOpenIdToken()) as unknown as { access_token: string };
  // Synapse's tokens live an hour; age this one in Synapse's own database, so Synapse itself
  // answers that it is no longer valid.
  const db = path.join(w.stack.synapse.dataDir, "homeserver.db");
  execFileSync("python3", [
    "-c",
    "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update open_id_tokens set ts_valid_until_ms=1 where token=?',(sys.argv[2],)); c.commit()",
    db,
    openid.access_token,
  ]);
  const res = await sfuGet({ ...openid, matrix_server_name: "localhost" });
  expect([res.status, res.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
});

it("in a room without the bot, admits a joined member through the homeserver's is_joined only", async () => {
  const host = await w.stack.user("host");
  const other = await host.client.createRoom({ preset: "private_chat", name: "No bot" });
  const hostToken = await host.client.requestOpenIdToken();
  expect((await sfuGet(hostToken as unknown as Record<string, unknown>, other)).status).toBe(200);
  const ownerToken = await w.owner.client.requestOpenIdToken();
  expect((await sfuGet(ownerToken as unknown as Record<string, unknown>, other)).status).toBe(403);
});
