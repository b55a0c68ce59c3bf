import { parseConfig } from "./config/load";
import { buildRegistration, checkBotIdentity, StartupError } from "./registration";

const config = parseConfig({
  homeserver: { url: "http://127.0.0.1:8008", domain: "example.org" },
  web: { publicUrl: "https://pads.example.org" },
  etherpad: { url: "http://etherpad:9001", apiKey: "0123456789abcdef0123" },
  jitsi: { domain: "meet.example.org", auth: "none" },
  encryption: { storePassphrase: "x".repeat(32) },
});

describe("registration", () => {
  it("makes the bot a namespaced user with a hidden technical sender and MSC4190 devices", () => {
    const reg = buildRegistration(config, "http://atrium:9000");
    expect(reg.sender_localpart).toBe("atrium_appservice");
    expect(reg["io.element.msc4190"]).toBe(true);
    expect(reg.namespaces).toMatchObject({
      users: [
        { exclusive: true, regex: "@atrium:example\\.org" },
        { exclusive: true, regex: "@atrium_.*:example\\.org" },
      ],
    });
    expect(() => checkBotIdentity(reg, "atrium", "example.org")).not.toThrow();
  });

  it("refuses a registration from before encrypted rooms, saying every problem and how to fix it", () => {
    const old = {
      ...buildRegistration(config, "http://atrium:9000"),
      sender_localpart: "atrium",
      "io.element.msc4190": undefined,
      namespaces: { users: [{ exclusive: true, regex: "@atrium_.*:example\\.org" }] },
    };
    let caught: unknown;
    try {
      checkBotIdentity(old, "atrium", "example.org");
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StartupError);
    const message = (caught as Error).message;
    expect(message).toMatch(/sender_localpart is the bot \(atrium\); it must be atrium_appservice/);
    expect(message).toMatch(/does not hold the bot @atrium:example\.org/);
    expect(message).toMatch(/atrium-appservice -r -u <url>/);
  });
});
