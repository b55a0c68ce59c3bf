/**
 * The config files `pulumi up` renders for the appservice are read by the appservice's own
 * loaders (its config schema and registration check), for every Jitsi auth mode, and agree
 * with what the appservice itself would generate.
 */
import { parse } from "yaml";
import { renderAppserviceConfigYaml, renderRegistrationYaml } from "@atrium/infra/render";
import { parseConfig } from "@atrium/appservice/dist/config/load";
import { callsRegistrationProblems } from "@atrium/appservice/dist/doors/calls/registration";
import {
  buildRegistration,
  checkBotIdentity,
  checkRegistration,
  type RegistrationLike,
} from "@atrium/appservice/dist/registration";

const secret = (n: string) => n.repeat(40).slice(0, 40);

describe.each([["matrix"], ["jwt"], ["none"]] as const)("jitsi auth %s", (auth) => {
  const yaml = renderAppserviceConfigYaml({
    homeserver: { url: "http://atrium-synapse:8008", domain: "example.org" },
    appservice: { port: 9000, bindAddress: "0.0.0.0" },
    web: { port: 9001, bindAddress: "0.0.0.0", publicUrl: "https://pad.example.org" },
    databaseUrl: `postgres://atrium:${secret("p")}@atrium-postgres:5432/atrium`,
    etherpad: {
      url: "http://atrium-etherpad:9001",
      publicUrl: "https://pad.example.org",
      apiKey: secret("k"),
    },
    jitsi: {
      domain: "meet.example.org",
      auth,
      verifyToken: secret("v"),
      jwtAppId: "atrium",
      jwtSecret: secret("j"),
      elementUrl: "https://element.example.org",
    },
    bot: { localpart: "atrium", displayName: "Atrium" },
    aliases: { padPrefix: "pad_", meetPrefix: "meet_" },
    conferenceAtThirdMember: true,
    encryption: { storePassphrase: secret("e"), storePath: "/data/e2ee/crypto.sqlite" },
    integrationManager: { port: 9002, bindAddress: "0.0.0.0", publicUrl: "https://im.example.org" },
  });

  it("is a valid appservice config", () => {
    const config = parseConfig(parse(yaml), "rendered config.yaml");
    expect(config.integrationManager).toMatchObject({
      port: 9002,
      publicUrl: "https://im.example.org",
    });
    expect(config.jitsi.auth).toBe(auth);
    expect(config.database.engine).toBe("postgres");
    expect(config.jitsi.autoConference).toBe(true);
    expect(config.etherpad.publicUrl).toBe(config.web.publicUrl);
    expect(config.encryption).toMatchObject({
      enabled: true,
      storePath: "/data/e2ee/crypto.sqlite",
    });
  });
});

/** The registration as the stack renders it (services/synapse.ts), with this test's tokens. */
function registrationYaml(extra: { calls?: boolean } = {}): string {
  return renderRegistrationYaml({
    id: "atrium",
    url: "http://atrium-appservice:9000",
    asToken: secret("a"),
    hsToken: secret("h"),
    senderLocalpart: "atrium_appservice",
    botLocalpart: "atrium",
    domain: "example.org",
    userPrefix: "atrium_",
    aliasPrefixes: ["pad_", "meet_"],
    ...extra,
  });
}

it("the rendered registration passes the appservice's check and matches its own namespaces", () => {
  const rendered = parse(registrationYaml()) as RegistrationLike;
  expect(() => checkRegistration(rendered)).not.toThrow();
  const config = parseConfig({
    homeserver: { url: "http://atrium-synapse:8008", domain: "example.org" },
    web: { publicUrl: "https://pad.example.org" },
    etherpad: { url: "http://atrium-etherpad:9001", apiKey: secret("k") },
    jitsi: { domain: "meet.example.org", auth: "none" },
    encryption: { storePassphrase: secret("e") },
  });
  const own = buildRegistration(config, "http://atrium-appservice:9000");
  const regexes = (r: RegistrationLike) => {
    const ns = r.namespaces as Record<string, Array<{ regex: string; exclusive: boolean }>>;
    return {
      users: ns.users?.map((n) => [n.regex, n.exclusive]),
      aliases: ns.aliases?.map((n) => [n.regex, n.exclusive]).sort(),
    };
  };
  expect(regexes(rendered)).toEqual(regexes(own));
  expect(rendered.sender_localpart).toBe(own.sender_localpart);
  expect(rendered["io.element.msc4190"]).toBe(true);
  expect(() => checkBotIdentity(rendered, "atrium", "example.org")).not.toThrow();
});

describe("with MatrixRTC calls (atrium:calls both or element-call)", () => {
  const base = {
    homeserver: { url: "http://atrium-synapse:8008", domain: "example.org" },
    appservice: { port: 9000, bindAddress: "0.0.0.0" },
    web: { port: 9001, bindAddress: "0.0.0.0", publicUrl: "https://pad.example.org" },
    databaseUrl: `postgres://atrium:${secret("p")}@atrium-postgres:5432/atrium`,
    etherpad: { url: "http://atrium-etherpad:9001", apiKey: secret("k") },
    jitsi: { domain: "meet.example.org", auth: "none" as const },
    bot: { localpart: "atrium", displayName: "Atrium" },
    aliases: { padPrefix: "pad_", meetPrefix: "meet_" },
    conferenceAtThirdMember: false,
    encryption: { storePassphrase: secret("e"), storePath: "/data/e2ee/crypto.sqlite" },
  };

  it("the rendered calls section is read by the appservice as calls on, with the SFU's URLs", () => {
    const yaml = renderAppserviceConfigYaml({
      ...base,
      etherpad: { ...base.etherpad, publicUrl: "https://pad.example.org" },
      calls: {
        url: "wss://sfu.example.org",
        apiUrl: "http://atrium-livekit:7880",
        apiKey: "atrium",
        apiSecret: secret("l"),
      },
    });
    const config = parseConfig(parse(yaml), "rendered config.yaml");
    expect(config.calls).toMatchObject({
      enabled: true,
      livekit: {
        url: "wss://sfu.example.org",
        apiUrl: "http://atrium-livekit:7880",
        apiKey: "atrium",
        apiSecret: secret("l"),
      },
    });
    expect(config.jitsi.autoConference).toBe(false);
  });

  it("the rendered registration carries every key the appservice's calls need", () => {
    const rendered = parse(registrationYaml({ calls: true })) as Record<string, unknown>;
    expect(callsRegistrationProblems({ enabled: true }, rendered)).toEqual([]);
    expect(() => checkRegistration(rendered as RegistrationLike)).not.toThrow();
  });
});
