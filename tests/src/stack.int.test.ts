/** startStack brings up Synapse (with an appservice registration) and Etherpad, and stops both. */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomToken, writeRegistration } from "./harness/appservice-registration";
import { MatrixClient } from "./harness/matrix-client";
import { readStackJson, startStack, writeStackJson, type StackInfo } from "./harness/stack";

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (res) => res.ok,
    () => false,
  );
}

describe("startStack", () => {
  it("serves Matrix with the appservice's bot and Etherpad's API, then stops both", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-stack-test-"));
    const asToken = randomToken();
    const registration = await writeRegistration(dir, {
      id: "stacktest",
      url: "http://127.0.0.1:9",
      asToken,
      hsToken: randomToken(),
      senderLocalpart: "stackbot",
      userPrefix: "_stack_",
      aliasPrefixes: [],
    });
    const stack = await startStack({ appserviceRegistrations: [registration] });
    try {
      const bot = new MatrixClient({
        baseUrl: stack.synapse.url,
        accessToken: asToken,
        userId: "@stackbot:localhost",
        asAppservice: true,
      });
      const whoami = await bot.request<{ user_id: string }>(
        "GET",
        "/_matrix/client/v3/account/whoami",
      );
      expect(whoami.user_id).toBe("@stackbot:localhost");
      const api = await fetch(
        `${stack.etherpad.url}/api/1.2.1/listAllPads?apikey=${encodeURIComponent(stack.etherpad.apiKey)}`,
      ).then((res) => res.json() as Promise<{ code: number }>);
      expect(api.code).toBe(0);
    } finally {
      await stack.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
    expect(await answers(`${stack.synapse.url}/health`)).toBe(false);
    expect(await answers(`${stack.etherpad.url}/api`)).toBe(false);
  });
});

describe("writeStackJson", () => {
  it("writes a private file that reads back unchanged", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-stackjson-test-"));
    const info: StackInfo = {
      homeserverUrl: "http://127.0.0.1:8008",
      serverName: "localhost",
      registrationSharedSecret: "s",
      etherpadUrl: "http://127.0.0.1:9001",
      etherpadApiKey: "k",
      appserviceUrl: "http://127.0.0.1:9100",
      publicUrl: "http://127.0.0.1:9100",
      botUserId: "@atrium:localhost",
      demoUser: { userId: "@demo:localhost", password: "p" },
    };
    const file = path.join(dir, "nested", "stack.json");
    try {
      await writeStackJson(file, info);
      expect(await readStackJson(file)).toEqual(info);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
