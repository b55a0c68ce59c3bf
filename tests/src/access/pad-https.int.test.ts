/**
 * The pad widget over https (Caddy with its internal CA; the test's Chromium contexts accept
 * that CA's certificates with `ignoreHTTPSErrors`, for the test only), in a Matrix client on
 * another site (`https://127.0.0.1` vs `https://localhost`), as in production with
 * app.element.io. Third-party cookies allowed (a profile with Chromium's "Allow third-party
 * cookies" setting): the member types in the pad inside the widget. Blocked: the widget offers
 * its own tab (and the Storage Access button), where the pad opens. A non-member gets nothing
 * either way.
 */
import { execFile, spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
import type { TestUser } from "../harness/atrium";
import { BLOCK_THIRD_PARTY_COOKIES, Browsers } from "../harness/chromium";
import { freePort } from "../harness/process-utils";
import { waitFor } from "../harness/wait";
import { useWorld, type WorldScope } from "../harness/world";
import { frameWhere, openOwnTab, openTestClient, refusedWidget, typeInPad } from "./browser";
import { padPeople, testPages } from "./pad-world";

/**
 * Caddy in front of the stack with its internal CA: the pads and pad pages under one https
 * origin (`padBase`, as the production proxy serves them), the test client on another
 * (`clientBase`). Stopped, and its folder removed, after the file.
 */
async function startCaddy(
  scope: WorldScope,
  ports: { pad: number; client: number; web: number; page: number; etherpadUrl: string },
): Promise<{ dir: string; padBase: string }> {
  const { pad: padPort, client: clientPort, web: webPort, page: pagePort } = ports;
  const httpPort = await freePort();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-caddy-"));
  scope.onStop(() => fs.rm(dir, { recursive: true, force: true }));
  const ep = new URL(ports.etherpadUrl);
  const caddyfile = `{
  admin off
  storage file_system ${dir}/data
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
  await fs.writeFile(path.join(dir, "Caddyfile"), caddyfile);
  const caddy = spawn("caddy", ["run", "--config", path.join(dir, "Caddyfile")], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  scope.onStop(() => caddy.kill("SIGTERM"));
  let log = "";
  caddy.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const padBase = `https://localhost:${padPort}`;
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
  return { dir, padBase };
}

/** base64 SHA-256 of the SPKI of each certificate Caddy's local CA made (root, intermediate). */
async function caddyRootSpki(caddyDir: string): Promise<string> {
  const dir = path.join(caddyDir, "data", "pki", "authorities", "local");
  const hashes: string[] = [];
  for (const name of ["root.crt", "intermediate.crt"]) {
    const pem = await fs.readFile(path.join(dir, name), "utf8");
    const key = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
    hashes.push(createHash("sha256").update(key).digest("base64"));
  }
  return hashes.join(",");
}

const profiles: string[] = [];

const w = useWorld(async (scope) => {
  const [webPort, pagePort, padPort, clientPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const padBase = `https://localhost:${padPort}`;
  // Pads and pad pages under one https origin, as the production proxy serves them.
  const stack = await scope.atrium({
    config: (c) => ({
      ...c,
      web: { ...c.web, port: webPort, publicUrl: padBase },
      etherpad: { ...c.etherpad, publicUrl: padBase },
    }),
  });
  await testPages(scope, stack, pagePort);
  const caddy = await startCaddy(scope, {
    pad: padPort,
    client: clientPort,
    web: webPort,
    page: pagePort,
    etherpadUrl: stack.etherpad.url,
  });
  // Chromium trusts Caddy's local root for this run only (a certificate error would make the
  // pages "not secure", and then their Secure cookies do not count as such).
  const trust = `--ignore-certificate-errors-spki-list=${await caddyRootSpki(caddy.dir)}`;
  const browsers = new Browsers(scope);
  scope.onStop(async () => {
    for (const p of profiles) await fs.rm(p, { recursive: true, force: true });
  });
  const strictBrowser = await browsers.launch([trust, BLOCK_THIRD_PARTY_COOKIES]);
  return {
    stack,
    padBase,
    clientBase: `https://127.0.0.1:${clientPort}`,
    trust,
    browsers,
    strictBrowser,
    ...(await padPeople(stack, { members: ["member"], others: ["stranger"], text: "Agenda\n" })),
  };
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
  return w.browsers.persistentContext(profile, [w.trust]);
}

async function openWidget(who: TestUser, on: Browser | BrowserContext): Promise<Page> {
  // The test only: Chromium accepts the certificates of Caddy's internal CA.
  const context =
    "newContext" in on ? await w.browsers.newContext(on, { ignoreHTTPSErrors: true }) : on;
  return openTestClient(context, w.clientBase, who, w.room);
}

const typeInto = (page: Page, shown: Page | FrameLocator, text: string) =>
  typeInPad(page, shown, text, () => w.etherpad.getText(w.room.padId));

describe("https, client on another site", () => {
  it("third-party cookies allowed: the member types in the pad inside the widget", async () => {
    const context = await allowingContext();
    const page = await openWidget(w.member, context);
    await frameWhere(page, "the widget to show the pad", (url) =>
      url.startsWith(`${w.padBase}/p/`),
    ).catch(async (error: unknown) => {
      const widget = page.frameLocator("#widget");
      throw new Error(
        `${String(error)}; widget state ${await widget.locator("body").getAttribute("data-state")}: ${await widget.locator("main").textContent()}`,
      );
    });
    await typeInto(page, page.frameLocator("#widget"), "typed inside the widget over https");
  });

  it("third-party cookies blocked: the widget offers its own tab, where typing works", async () => {
    const page = await openWidget(w.member, w.strictBrowser);
    const widget = page.frameLocator("#widget");
    await widget.locator('body[data-state="own-tab"]').waitFor({ timeout: 30_000 });
    expect(await widget.locator("#status").textContent()).toContain("blocks cookies");
    expect(await widget.getByRole("button", { name: "Allow the pad here" }).isVisible()).toBe(true);
    const tab = await openOwnTab(page, w.padBase);
    await typeInto(tab, tab, "typed in the own tab over https");
  });

  it.each([
    ["allowed", () => allowingContext()],
    ["blocked", async () => w.strictBrowser],
  ])("third-party cookies %s: a non-member gets nothing", async (_name, which) => {
    const page = await openWidget(w.stranger, await which());
    const widget = await refusedWidget(page);
    expect(await widget.locator("body").getAttribute("data-errcode")).toBe("M_FORBIDDEN");
    expect(page.frames().some((f) => f.url().includes("/p/"))).toBe(false);
  });
});
