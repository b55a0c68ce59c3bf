import { parse } from "yaml";
import { renderRegistration, type RegistrationInput } from "./appservice-registration";

const base: RegistrationInput = {
  id: "atrium",
  url: "http://127.0.0.1:9000",
  asToken: "as-secret",
  hsToken: "hs-secret",
  senderLocalpart: "atrium",
  userPrefix: "_atrium_",
  aliasPrefixes: ["meet_", "pad."],
};

describe("renderRegistration", () => {
  it("writes the fields Synapse requires", () => {
    expect(parse(renderRegistration(base))).toMatchObject({
      id: "atrium",
      url: "http://127.0.0.1:9000",
      as_token: "as-secret",
      hs_token: "hs-secret",
      sender_localpart: "atrium",
      rate_limited: false,
    });
  });

  it.each([
    [undefined, "@_atrium_.*:.*", ["#meet_.*:.*", "#pad\\..*:.*"]],
    [
      "example.org",
      "@_atrium_.*:example\\.org",
      ["#meet_.*:example\\.org", "#pad\\..*:example\\.org"],
    ],
  ])("claims exclusive namespaces (server %s)", (serverName, users, aliases) => {
    const reg = parse(renderRegistration({ ...base, serverName })) as {
      namespaces: Record<string, { exclusive: boolean; regex: string }[]>;
    };
    expect(reg.namespaces.users).toEqual([{ exclusive: true, regex: users }]);
    expect(reg.namespaces.aliases).toEqual(aliases.map((regex) => ({ exclusive: true, regex })));
    expect(reg.namespaces.rooms).toEqual([]);
  });

  it("makes a namespaced bot with its own device (MSC4190) beside the technical sender", () => {
    const reg = parse(
      renderRegistration({
        ...base,
        senderLocalpart: "atrium_appservice",
        botLocalpart: "atrium",
        serverName: "example.org",
      }),
    ) as Record<string, unknown> & { namespaces: { users: unknown[] } };
    expect(reg.sender_localpart).toBe("atrium_appservice");
    expect(reg["io.element.msc4190"]).toBe(true);
    expect(reg.namespaces.users).toEqual([
      { exclusive: true, regex: "@atrium:example\\.org" },
      { exclusive: true, regex: "@_atrium_.*:example\\.org" },
    ]);
  });

  it.each([
    [{ id: "" }, /id is empty/],
    [{ asToken: "" }, /asToken is empty/],
    [{ hsToken: "as-secret" }, /must differ/],
  ])("refuses %o", (over, message) => {
    expect(() => renderRegistration({ ...base, ...over })).toThrow(message);
  });
});
