/**
 * `./atrium dev` with an Element Web folder (`ATRIUM_ELEMENT_WEB`): the front door serves it on
 * the pads' own origin, so in real Chromium the pad opens inside the widget over plain http and
 * typing reaches Etherpad. The "Element" here is the suite's Element-like client (ClientWidgetApi,
 * real OpenID tokens), laid out as a release folder; its config.json comes from the stack.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { createEtherpadClient } from "@atrium/etherpad";
import { elementOffersEdit } from "@atrium/widgets";
import { startDev, type DevOptions } from "./dev";
import { launchChromium } from "./harness/chromium";
import { devTestOptions } from "./harness/dev-options";
import { loginUser, clientFor } from "./harness/users";
import { waitFor } from "./harness/wait";

const WIDGETS = "im.vector.modular.widgets";
let elementDir: string;
let opts: DevOptions;
let browser: Browser;

/** A folder laid out as an Element Web release, holding the Element-like client instead. */
async function elementLikeRelease(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-element-"));
  await fs.mkdir(path.join(dir, "atrium-test"));
  await fs.writeFile(path.join(dir, "index.html"), "<!doctype html><title>Element</title>\n");
  const fixtures = path.join(__dirname, "access", "fixtures");
  await fs.copyFile(path.join(fixtures, "client.html"), path.join(dir, "atrium-test/client.html"));
  await fs.copyFile(path.join(fixtures, "client.js"), path.join(dir, "atrium-test/client.js"));
  await fs.copyFile(
    require.resolve("matrix-widget-api/dist/api.js"),
    path.join(dir, "atrium-test/matrix-widget-api.js"),
  );
  return dir;
}

beforeAll(async () => {
  elementDir = await elementLikeRelease();
  opts = await devTestOptions({ elementWebDir: elementDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (opts) await fs.rm(opts.devDir, { recursive: true, force: true });
  await fs.rm(elementDir, { recursive: true, force: true });
});

it("serves Element on the pads' origin, where the pad opens inside the widget and typing works", async () => {
  const { stack, appservice, info } = await startDev(opts);
  try {
    const front = `http://localhost:${opts.frontPort}`;
    const config = (await (await fetch(`${front}/config.json`)).json()) as Record<string, unknown>;
    expect(config.default_server_config).toEqual({
      "m.homeserver": { base_url: info.homeserverUrl, server_name: "localhost" },
    });
    expect((await fetch(`${front}/`)).status).toBe(200);
    // Etherpad's API stays off the front door.
    expect((await fetch(`${front}/api/1/listAllPads?apikey=x`)).status).toBe(404);

    const demo = clientFor(
      info.homeserverUrl,
      await loginUser(info.homeserverUrl, "demo", info.demoUser.password),
    );
    const roomId = await demo.createRoom({ preset: "private_chat", name: "Widget" });
    await demo.invite(roomId, info.botUserId);
    await demo.waitForMembership(roomId, info.botUserId, "join", 30_000);
    await demo.setPowerLevel(roomId, info.botUserId, 50);
    await demo.sendMessage(roomId, "!pad notes");
    await demo.waitForMessage(roomId, (e) => /Added the pad "notes"/.test(String(e.content.body)));
    const pad = (await demo.getAllState(roomId)).find(
      (e) => e.type === WIDGETS && e.content.type === "m.etherpad",
    );
    const widgetUrl = String(pad?.content.url);
    expect(widgetUrl.startsWith(`${front}/atrium/pad?`)).toBe(true);
    const prefixes = config.integrations_widgets_urls as string[];
    expect(elementOffersEdit(widgetUrl, String(config.integrations_rest_url), prefixes)).toBe(true);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.exposeFunction("atriumMintOpenId", () => demo.requestOpenIdToken());
    const query = new URLSearchParams({
      widgetUrl,
      widgetId: String(pad?.state_key),
      roomId,
      userId: info.demoUser.userId,
    });
    await page.goto(`${front}/atrium-test/client.html?${query.toString()}`);
    await waitFor(
      "the pad inside the widget",
      async () => page.frames().find((f) => f.url().startsWith(`${front}/p/`)),
      {
        timeoutMs: 40_000,
        describeLast: () =>
          page
            .frames()
            .map((f) => f.url())
            .join(", "),
      },
    );
    const body = page
      .frameLocator("#widget")
      .frameLocator('iframe[name="ace_outer"]')
      .frameLocator('iframe[name="ace_inner"]')
      .locator("#innerdocbody");
    await body.waitFor({ timeout: 30_000 });
    expect(await body.getAttribute("contenteditable")).toBe("true");
    await body.click();
    await page.keyboard.type("typed inside the widget");
    const etherpad = createEtherpadClient({ url: info.etherpadUrl, apiKey: info.etherpadApiKey });
    const padId = `${await etherpad.groupForRoom(roomId)}$notes`;
    await page.locator("#widget").screenshot({
      path: path.join(__dirname, "..", "..", "docs", "screenshots", "dev-pad-in-widget.png"),
    });
    await waitFor(
      "Etherpad to hold the typed text",
      async () =>
        (await etherpad.getText(padId)).includes("typed inside the widget") ? true : undefined,
      { timeoutMs: 20_000 },
    );
    await context.close();
  } finally {
    await appservice.stop();
    await stack.stop();
  }
}, 240_000);
