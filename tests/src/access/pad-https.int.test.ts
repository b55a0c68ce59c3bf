/**
 * The pad widget over https (Caddy with its internal CA; the test's Chromium contexts accept
 * that CA's certificates with `ignoreHTTPSErrors`, for the test only), in a Matrix client on
 * another site (`https://127.0.0.1` vs `https://localhost`), as in production with
 * app.element.io. Third-party cookies allowed (a profile with Chromium's "Allow third-party
 * cookies" setting): the member types in the pad inside the widget. Blocked: the widget offers
 * its own tab (and the Storage Access button), where the pad opens. A non-member gets nothing
 * either way.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { createEtherpadClient, type EtherpadClient } from "@atrium/etherpad";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { freePort } from "../harness/process-utils";
import { waitFor } from "../harness/wait";
import { CHROMIUM_ARGS, startTestPageServer, type TestPageServer } from "./browser";
import { padRoom, type PadRoom } from "./pad-room";

let stack: AtriumStack;
let etherpad: EtherpadClient;
let browser: Browser;
let strictBrowser: Browser;
let pages: TestPageServer;
let caddy: ChildProcess;
let caddyDir: string;
let padBase: string;
let clientBase: string;
let member: TestUser;
let stranger: TestUser;
let room: PadRoom;
const contexts: BrowserContext[] = [];
const profiles: string[] = [];

async function startCaddy(ports: {
  pad: number;
  client: number;
  web: number;
  page: number;
  etherpadUrl: string;
}) {
  const { pad: padPort, client: clientPort, web: webPort, page: pagePort } = ports;
  const httpPort = await freePort();
  caddyDir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-caddy-"));
  const ep = new URL(ports.etherpadUrl);
  const caddyfile = `{
  admin off
  storage file_system ${caddyDir}/data
  skip_install_trust
  local_certs
  http_port ${httpPort}
  auto_https disable_redirects
}
https://localhost:${padPort} {
  tls internal
  reverse_proxy /atrium/* 127.0.0.1:${webPort}
  reverse_proxy 127.0.0.1:${ep.port}
}
https://127.0.0.1:${clientPort} {
  tls internal
  reverse_proxy 127.0.0.1:${pagePort}
}
`;
  await fs.writeFile(path.join(caddyDir, "Caddyfile"), caddyfile);
  caddy = spawn("caddy", ["run", "--config", path.join(caddyDir, "Caddyfile")], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, HOME: caddyDir, XDG_DATA_HOME: caddyDir, XDG_CONFIG_HOME: caddyDir },
  });
  let log = "";
  caddy.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  await waitFor(
    "Caddy to serve https",
    () =>
      new Promise<true | undefined>((resolve) =>
        execFile("curl", ["-ksf", `${padBase}/atrium/health`], (err) =>
          resolve(err ? undefined : true),
        ),
      ),
    { timeoutMs: 30_000, describeLast: () => log.slice(-2000) },
  );
}

/** base64 SHA-256 of the SPKI of each certificate Caddy's local CA made (root, intermediate). */
async function caddyRootSpki(): Promise<string> {
  const dir = path.join(caddyDir, "data", "pki", "authorities", "local");
  const hashes: string[] = [];
  for (const name of ["root.crt", "intermediate.crt"]) {
    const pem = await fs.readFile(path.join(dir, name), "utf8");
    const key = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
    hashes.push(createHash("sha256").update(key).digest("base64"));
  }
  return hashes.join(",");
}

beforeAll(async () => {
  const [webPort, pagePort, padPort, clientPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  padBase = `https://localhost:${padPort}`;
  clientBase = `https://127.0.0.1:${clientPort}`;
  // Pads and pad pages under one https origin, as the production proxy serves them.
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      web: { ...c.web, port: webPort, publicUrl: padBase },
      etherpad: { ...c.etherpad, publicUrl: padBase },
    }),
  });
  etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  pages = await startTestPageServer(pagePort, stack.etherpad.url);
  await startCaddy({
    pad: padPort,
    client: clientPort,
    web: webPort,
    page: pagePort,
    etherpadUrl: stack.etherpad.url,
  });
  // Chromium trusts Caddy's local root for this run only (a certificate error would make the
  // pages "not secure", and then their Secure cookies do not count as such).
  const trust = `--ignore-certificate-errors-spki-list=${await caddyRootSpki()}`;
  [browser, strictBrowser] = await Promise.all([
    chromium.launch({
      executablePath: process.env.ATRIUM_CHROMIUM ?? "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS, trust],
    }),
    chromium.launch({
      executablePath: process.env.ATRIUM_CHROMIUM ?? "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS, trust, "--test-third-party-cookie-phaseout"],
    }),
  ]);
  const owner = await stack.user("owner");
  [member, stranger] = [await stack.user("member"), await stack.user("stranger")];
  room = await padRoom(stack, owner);
  await member.client.join(room.roomId);
  await etherpad.setText(room.padId, "Agenda\n");
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await strictBrowser?.close();
  await pages?.close();
  caddy?.kill("SIGTERM");
  await stack?.stop();
  if (caddyDir) await fs.rm(caddyDir, { recursive: true, force: true });
  for (const p of profiles) await fs.rm(p, { recursive: true, force: true });
});

/**
 * A browser profile of its own with third-party cookies allowed: Playwright's new contexts are
 * off-the-record, and this Chromium blocks third-party cookies there by default (the "blocked"
 * cases use that).
 */
async function allowingContext(): Promise<BrowserContext> {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-chromium-"));
  profiles.push(profile);
  // Chromium's own setting "Allow third-party cookies" (cookie_controls_mode 0).
  await fs.mkdir(path.join(profile, "Default"));
  await fs.writeFile(
    path.join(profile, "Default", "Preferences"),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.ATRIUM_CHROMIUM ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${await caddyRootSpki()}`],
  });
}

async function openWidget(who: TestUser, on: Browser | BrowserContext): Promise<Page> {
  // The test only: Chromium accepts the certificates of Caddy's internal CA.
  const context = "newContext" in on ? await on.newContext({ ignoreHTTPSErrors: true }) : on;
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`[chromium] page error: ${e.message}`));
  await page.exposeFunction("atriumMintOpenId", () => who.client.requestOpenIdToken());
  const query = new URLSearchParams({
    widgetUrl: room.templateUrl,
    widgetId: room.widgetId,
    roomId: room.roomId,
    userId: who.user.userId,
  });
  await page.goto(`${clientBase}/atrium-test/client.html?${query.toString()}`);
  return page;
}

async function typeInto(
  page: Page,
  frames: (p: Page) => ReturnType<Page["frameLocator"]>,
  text: string,
) {
  const body = frames(page).frameLocator('iframe[name="ace_inner"]').locator("#innerdocbody");
  await body.locator("text=Agenda").waitFor({ timeout: 30_000 });
  expect(await body.getAttribute("contenteditable")).toBe("true");
  await body.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
  await waitFor(
    `Etherpad to hold "${text}"`,
    async () => ((await etherpad.getText(room.padId)).includes(text) ? true : undefined),
    { timeoutMs: 20_000, describeLast: () => "the text did not arrive" },
  );
}

describe("https, client on another site", () => {
  it("third-party cookies allowed: the member types in the pad inside the widget", async () => {
    const context = await allowingContext();
    const page = await openWidget(member, context);
    await waitFor(
      "the widget to show the pad",
      async () => page.frames().find((f) => f.url().startsWith(`${padBase}/p/`)),
      {
        timeoutMs: 30_000,
        describeLast: () =>
          `frames: ${page
            .frames()
            .map((f) => f.url())
            .join(", ")}`,
      },
    ).catch(async (error: unknown) => {
      const widget = page.frameLocator("#widget");
      throw new Error(
        `${String(error)}; widget state ${await widget.locator("body").getAttribute("data-state")}: ${await widget.locator("main").textContent()}`,
      );
    });
    await typeInto(
      page,
      (p) => p.frameLocator("#widget").frameLocator('iframe[name="ace_outer"]'),
      "typed inside the widget over https",
    );
  });

  it("third-party cookies blocked: the widget offers its own tab, where typing works", async () => {
    const page = await openWidget(member, strictBrowser);
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="own-tab"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("#status").textContent()).toContain("blocks cookies");
    expect(await widget.getByRole("button", { name: "Allow the pad here" }).isVisible()).toBe(true);
    const [tab] = await Promise.all([
      page.context().waitForEvent("page"),
      widget.getByRole("button", { name: "Open in its own tab" }).click(),
    ]);
    await tab.waitForURL(`${padBase}/p/**`, { timeout: 30_000 });
    await typeInto(
      tab,
      (p) => p.frameLocator('iframe[name="ace_outer"]'),
      "typed in the own tab over https",
    );
  });

  it.each([
    ["allowed", () => allowingContext()],
    ["blocked", async () => strictBrowser],
  ])("third-party cookies %s: a non-member gets nothing", async (_name, which) => {
    const page = await openWidget(stranger, await which());
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="refused"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
    expect(page.frames().some((f) => f.url().includes("/p/"))).toBe(false);
  });
});
