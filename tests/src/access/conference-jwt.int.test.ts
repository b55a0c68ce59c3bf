/**
 * Deployments with Jitsi AUTH_TYPE=jwt: `!meet` places Atrium's conference page, which after
 * the OpenID check mints a short-lived JWT for that room's conference only. In Chromium with
 * the suite's Element-like client, the page waits out a person who takes 35 s to answer the
 * identity prompt, with no error meanwhile, then opens the call.
 */
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { verifyJitsiJwt } from "@atrium/jitsi";
import { jitsiConferenceId } from "@atrium/widgets";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { command, roomWithBot, widgetsIn } from "../appservice/fixtures";
import { freePort } from "../harness/process-utils";
import { waitFor } from "../harness/wait";
import { launchChromium } from "../harness/chromium";
import { startTestPageServer, type TestPageServer } from "./browser";

const secret = randomBytes(32).toString("hex");
let stack: AtriumStack;
let owner: TestUser;
let stranger: TestUser;
let roomId: string;
let widgetId: string;
let browser: Browser | undefined;
let pages: TestPageServer | undefined;

beforeAll(async () => {
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      jitsi: { domain: "meet.example.org", auth: "jwt", jwtAppId: "atrium", jwtSecret: secret },
    }),
  });
  [owner, stranger] = [await stack.user("owner"), await stack.user("stranger")];
  roomId = await roomWithBot(stack, owner, { name: "Board" });
  const reply = await command(stack, owner, roomId, "!meet --force");
  expect(reply.content.body).toMatch(/Added the conference/);
  const widget = [...(await widgetsIn(owner, roomId)).entries()].find(
    ([, w]) => w.name === "Conference",
  );
  widgetId = widget![0];
  expect(widget![1]).toMatchObject({
    type: "m.custom",
    url: `${stack.config.web.publicUrl}/atrium/conference?roomId=$matrix_room_id&widgetId=$matrix_widget_id`,
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await stack?.stop();
});

async function askForToken(who: TestUser) {
  const openid = await who.client.requestOpenIdToken();
  return fetch(`${stack.webUrl}/atrium/conference/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomId, widgetId, openid }),
  });
}

it("gives a member a conference URL whose JWT names this room only and expires soon", async () => {
  const res = await askForToken(owner);
  expect(res.status).toBe(200);
  const { url } = (await res.json()) as { url: string };
  const parsed = new URL(url);
  const conferenceId = jitsiConferenceId(roomId);
  expect(parsed.origin).toBe("https://meet.example.org");
  expect(parsed.pathname).toBe(`/${conferenceId}`);
  expect(parsed.hash).toContain("config.startWithAudioMuted=true");
  const jwt = parsed.searchParams.get("jwt")!;
  const verified = await verifyJitsiJwt(jwt, {
    secret,
    appId: "atrium",
    domain: "meet.example.org",
    room: conferenceId,
  });
  expect(verified.ok).toBe(true);
  if (!verified.ok) return;
  expect(verified.claims.room).not.toBe("*");
  expect(verified.claims.exp! - verified.claims.iat!).toBeLessThanOrEqual(300);
  expect(verified.claims.context).toMatchObject({ user: { id: owner.user.userId } });
  // The same token is refused for another conference.
  const other = await verifyJitsiJwt(jwt, {
    secret,
    appId: "atrium",
    domain: "meet.example.org",
    room: "OTHERROOM",
  });
  expect(other.ok).toBe(false);
});

it("refuses a non-member and mints nothing", async () => {
  const res = await askForToken(stranger);
  expect(res.status).toBe(403);
  const body = (await res.json()) as { errcode: string; url?: string };
  expect(body.errcode).toBe("M_FORBIDDEN");
  expect(body.url).toBeUndefined();
});

it("waits while the person takes 35 s to answer the identity prompt, then opens the call", async () => {
  [browser, pages] = await Promise.all([
    launchChromium(),
    startTestPageServer(await freePort(), stack.etherpad.url),
  ]);
  const page = await (await browser.newContext()).newPage();
  // No Jitsi runs here: the call's address answers with a stand-in page.
  await page.route("https://meet.example.org/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<title>call</title>" }),
  );
  await page.exposeFunction("atriumMintOpenId", () => owner.client.requestOpenIdToken());
  const query = new URLSearchParams({
    widgetUrl: `${stack.config.web.publicUrl}/atrium/conference?roomId=$matrix_room_id&widgetId=$matrix_widget_id`,
    widgetId,
    roomId,
    userId: owner.user.userId,
    openidDelayMs: "35000",
  });
  await page.goto(`${pages.url}/atrium-test/client.html?${query.toString()}`);
  const widget = page.frameLocator("#widget");
  await widget.getByText("your Matrix client", { exact: false }).waitFor({ timeout: 20_000 });
  await page.waitForTimeout(32_000);
  expect(await widget.locator("#error").isVisible()).toBe(false);
  expect(await widget.locator("#status").textContent()).toMatch(/Continue.*the call opens/);
  const call = await waitFor(
    "the widget to open the call",
    async () => page.frames().find((f) => f.url().startsWith("https://meet.example.org/")),
    { timeoutMs: 30_000 },
  );
  expect(new URL(call.url()).pathname).toBe(`/${jitsiConferenceId(roomId)}`);
}, 120_000);
