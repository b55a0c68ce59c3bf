/**
 * `pnpm dev` as a new user meets it: the stack comes up, the demo user logs in, invites the
 * bot and gets a pad and a conference; after a restart the data is still there.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { elementOffersEdit } from "@atrium/widgets";
import { imConfigLines, startDev, type DevOptions } from "./dev";
import { devTestOptions } from "./harness/dev-options";
import { loginUser, clientFor } from "./harness/users";
import { readStackJson } from "./harness/stack";

const WIDGETS = "im.vector.modular.widgets";
let opts: DevOptions;

beforeAll(async () => {
  opts = await devTestOptions();
});

afterAll(async () => {
  if (opts) await fs.rm(opts.devDir, { recursive: true, force: true });
});

it("comes up, writes stack.json, and gives the demo user a pad and a conference; data survives a restart", async () => {
  let { stack, appservice, info } = await startDev(opts);
  let roomId: string;
  try {
    const written = await readStackJson(path.join(opts.devDir, "stack.json"));
    expect(written).toEqual(info);
    expect(info.botUserId).toBe("@atrium:localhost");
    expect(info.publicUrl).toBe(`http://localhost:${opts.frontPort}`);

    const demo = clientFor(
      info.homeserverUrl,
      await loginUser(info.homeserverUrl, "demo", info.demoUser.password),
    );
    roomId = await demo.createRoom({ preset: "private_chat", name: "Demo" });
    await demo.invite(roomId, info.botUserId);
    await demo.waitForMembership(roomId, info.botUserId, "join");
    await demo.setPowerLevel(roomId, info.botUserId, 50);
    await demo.sendMessage(roomId, "!pad notes");
    await demo.waitForMessage(roomId, (e) => /Added the pad "notes"/.test(String(e.content.body)));
    await demo.sendMessage(roomId, "!meet --force");
    const meet = await demo.waitForMessage(roomId, (e) =>
      /Added the conference/.test(String(e.content.body)),
    );
    // Calls are on in the dev stack: `!meet` names the call button every client can use, and the
    // homeserver hands the demo user a token for this room's call (from the SFU API stand-in).
    expect(String(meet.content.body)).toMatch(/call button in the room header/);
    const wellKnown = (await (
      await fetch(`${info.homeserverUrl}/.well-known/matrix/client`)
    ).json()) as Record<string, unknown>;
    expect(wellKnown["org.matrix.msc4143.rtc_foci"]).toEqual([
      { type: "livekit", livekit_service_url: info.calls?.livekitServiceUrl },
    ]);
    const demoLogin = await loginUser(info.homeserverUrl, "demo", info.demoUser.password);
    const callToken = await fetch(`${info.homeserverUrl}/_matrix/client/v1/rtc/livekit/get_token`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${demoLogin.accessToken}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ room_id: roomId, slot_id: "m.call#ROOM", member_id: "m1" }),
    });
    expect(callToken.status).toBe(200);
    expect(((await callToken.json()) as { url: string }).url).toBe(info.calls?.sfuUrl);
    const widgets = (await demo.getAllState(roomId)).filter(
      (e) => e.type === WIDGETS && Object.keys(e.content).length > 0,
    );
    expect(widgets.map((e) => e.content.type).sort()).toEqual(["jitsi", "m.etherpad"]);

    // The integration manager the printed config.json lines point Element at.
    const lines = imConfigLines(info);
    const elementConfig = JSON.parse(`{${lines.join("").replace(/,$/, "")}}`) as Record<
      string,
      unknown
    >;
    expect(elementConfig.integrations_ui_url).toBe(`http://127.0.0.1:${opts.imPort}/element`);
    const restUrl = String(elementConfig.integrations_rest_url);
    // Element offers "Edit" on the pad (both its URL and the IM's API under a prefix).
    const pad = widgets.find((e) => e.content.type === "m.etherpad");
    const prefixes = elementConfig.integrations_widgets_urls as string[];
    expect(elementOffersEdit(String(pad?.content.url), restUrl, prefixes)).toBe(true);
    const registered = await fetch(`${restUrl}/register?v=1.1`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(await demo.requestOpenIdToken()),
    });
    const { scalar_token: token } = (await registered.json()) as { scalar_token: string };
    const account = await fetch(
      `${restUrl}/account?v=1.1&scalar_token=${encodeURIComponent(token)}`,
    );
    expect(await account.json()).toEqual({ user_id: info.demoUser.userId });
    const ui = await fetch(`${String(elementConfig.integrations_ui_url)}/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<div id="root"|<script type="module"/);
  } finally {
    await appservice.stop();
    await stack.stop();
  }

  ({ stack, appservice, info } = await startDev(opts));
  try {
    const demo = clientFor(
      info.homeserverUrl,
      await loginUser(info.homeserverUrl, "demo", info.demoUser.password),
    );
    await demo.sendMessage(roomId, "!widgets");
    const list = await demo.waitForMessage(roomId, (e) =>
      /Widgets Atrium placed here/.test(String(e.content.body)),
    );
    expect(list.content.body).toMatch(/notes \(pad\)/);
  } finally {
    await appservice.stop();
    await stack.stop();
  }
}, 240_000);
