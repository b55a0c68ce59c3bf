/**
 * The MatrixRTC variant of homeserver.yaml (`atrium:calls` both or element-call) with the calls
 * registration, started by the real Synapse 1.163.2: it advertises the transport, accepts
 * delayed events up to 24 h, and forwards a client's `get_token` to the registration's URL.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import {
  homeserverOptions,
  secrets,
  startLocalSynapse,
  testRegistrationYaml,
} from "../test-support/homeserver-options";
import { freePort, tempDir, type Running } from "../test-support/process";

const TRANSPORT = {
  sfuUrl: "wss://sfu.example.org",
  livekitServiceUrl: "https://pad.example.org/atrium/rtc",
};

describe("homeserver.yaml with MatrixRTC calls, started by a local Synapse", () => {
  let synapse: Running;
  let base: string;
  // Records what reaches the registration's URL: Synapse's side of the proxy is under test here;
  // the appservice's answer is tested with the appservice itself (services/appservice calls).
  let recorder: Server;
  const received: { path: string; auth?: string; user?: string; body: string }[] = [];

  beforeAll(async () => {
    const dir = tempDir("synapse-calls");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const asPort = await freePort();
    recorder = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          auth: req.headers.authorization,
          user: req.headers["x-matrix-user-identifier"] as string | undefined,
          body,
        });
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ url: TRANSPORT.sfuUrl, jwt: "recorded" }));
      });
    }).listen(asPort, "127.0.0.1");
    synapse = await startLocalSynapse(
      dir,
      { ...homeserverOptions(dir, port), matrixRtc: TRANSPORT },
      testRegistrationYaml(`http://127.0.0.1:${asPort}`, true),
    );
  }, 90000);

  afterAll(async () => {
    await synapse?.stop();
    await new Promise((r) => recorder?.close(r));
  });

  const asBot = { Authorization: `Bearer ${secrets.asToken}` };

  it("lists Atrium's LiveKit transport (MSC4143)", async () => {
    const res = await fetch(`${base}/_matrix/client/unstable/org.matrix.msc4143/rtc/transports`, {
      headers: asBot,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      rtc_transports: [
        {
          type: "livekit",
          url: TRANSPORT.sfuUrl,
          livekit_service_url: TRANSPORT.livekitServiceUrl,
        },
      ],
    });
  });

  it("forwards a client's get_token to the appservice, naming the user (MSC4512)", async () => {
    const res = await fetch(`${base}/_matrix/client/v1/rtc/livekit/get_token`, {
      method: "POST",
      headers: { ...asBot, "Content-Type": "application/json" },
      body: JSON.stringify({ room_id: "!room:example.org", slot_id: "m.call#ROOM" }),
    });
    expect(await res.json()).toEqual({ url: TRANSPORT.sfuUrl, jwt: "recorded" });
    const last = received.at(-1);
    expect(last?.path).toBe("/_matrix/client/v1/rtc/livekit/get_token");
    expect(last?.auth).toBe(`Bearer ${secrets.hsToken}`);
    // The as_token without ?user_id= acts as the registration's sender.
    expect(last?.user).toBe("@atrium_appservice:example.org");
    expect(JSON.parse(last?.body ?? "{}")).toMatchObject({ room_id: "!room:example.org" });
  });

  it("accepts delayed events up to 24 h (MSC4140), which end a vanished member's call", async () => {
    const created = await fetch(`${base}/_matrix/client/v3/createRoom`, {
      method: "POST",
      headers: { ...asBot, "Content-Type": "application/json" },
      body: "{}",
    });
    const { room_id: roomId } = (await created.json()) as { room_id: string };
    const delayed = (ms: number): Promise<Response> =>
      fetch(
        `${base}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.matrix.msc3401.call.member/_%40atrium%3Aexample.org_DEVICE?org.matrix.msc4140.delay=${ms}`,
        { method: "PUT", headers: { ...asBot, "Content-Type": "application/json" }, body: "{}" },
      );
    const ok = await delayed(8 * 3600 * 1000);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ delay_id: expect.any(String) });
    const tooLong = await delayed(25 * 3600 * 1000);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({
      errcode: "ORG.MATRIX.MSC4140_DELAY_TOO_LARGE",
    });
  });
});
