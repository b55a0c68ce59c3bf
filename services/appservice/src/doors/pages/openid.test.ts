import { AccessError } from "../../matrix/access-error";
import { OpenIdVerifier, serverOfUserId, type OpenIdVerifierOptions } from "./openid";

type Answer = { status: number; body?: unknown } | "network-error";

function verifierWith(answer: Answer, extra: Partial<OpenIdVerifierOptions> = {}) {
  const urls: string[] = [];
  const fetchImpl = (async (input: URL | string) => {
    urls.push(String(input));
    if (answer === "network-error") throw new TypeError("fetch failed");
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status });
  }) as typeof fetch;
  const verifier = new OpenIdVerifier({
    localServer: "example.org",
    localFederationUrl: "http://synapse:8008",
    allowedServers: ["example.org", "friends.net"],
    resolve: async (name) => `https://${name}:8448`,
    fetch: fetchImpl,
    ...extra,
  });
  return { verifier, urls };
}

describe("OpenIdVerifier.verify", () => {
  it.each<[string, Answer, string | undefined, string | [number, string]]>([
    [
      "a valid token of the own server",
      { status: 200, body: { sub: "@alice:example.org" } },
      undefined,
      "@alice:example.org",
    ],
    [
      "a valid token naming the own server",
      { status: 200, body: { sub: "@alice:example.org" } },
      "example.org",
      "@alice:example.org",
    ],
    [
      "a valid token of an allowed foreign server",
      { status: 200, body: { sub: "@bob:friends.net" } },
      "friends.net",
      "@bob:friends.net",
    ],
    [
      "a forged or expired token (401)",
      { status: 401, body: { errcode: "M_UNKNOWN_TOKEN" } },
      undefined,
      [401, "M_UNKNOWN_TOKEN"],
    ],
    [
      "a sub of another server than matrix_server_name",
      { status: 200, body: { sub: "@mallory:evil.com" } },
      "friends.net",
      [403, "M_FORBIDDEN"],
    ],
    ["an answer without sub", { status: 200, body: {} }, undefined, [403, "M_FORBIDDEN"]],
    [
      "a server outside the allow-list",
      { status: 200, body: { sub: "@eve:evil.com" } },
      "evil.com",
      [403, "M_FORBIDDEN"],
    ],
    ["a homeserver error (500)", { status: 500 }, undefined, [502, "M_UNKNOWN"]],
    ["an unreachable homeserver", "network-error", undefined, [502, "M_UNKNOWN"]],
  ])("%s", async (_name, answer, serverName, expected) => {
    const { verifier } = verifierWith(answer);
    const creds = {
      access_token: "tok",
      ...(serverName ? { matrix_server_name: serverName } : {}),
    };
    if (typeof expected === "string") {
      await expect(verifier.verify(creds)).resolves.toBe(expected);
    } else {
      const error = await verifier.verify(creds).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AccessError);
      expect([(error as AccessError).status, (error as AccessError).errcode]).toEqual(expected);
    }
  });

  it.each([
    [
      "the own server at its federation URL",
      undefined,
      "http://synapse:8008/_matrix/federation/v1/openid/userinfo?access_token=tok",
    ],
    [
      "a foreign server at its discovered URL",
      "friends.net",
      "https://friends.net:8448/_matrix/federation/v1/openid/userinfo?access_token=tok",
    ],
  ])("asks %s", async (_name, serverName, url) => {
    const { verifier, urls } = verifierWith({
      status: 200,
      body: { sub: `@u:${serverName ?? "example.org"}` },
    });
    await verifier.verify({
      access_token: "tok",
      ...(serverName ? { matrix_server_name: serverName } : {}),
    });
    expect(urls).toEqual([url]);
  });

  it("never asks a server outside the allow-list", async () => {
    const { verifier, urls } = verifierWith({ status: 200, body: { sub: "@eve:evil.com" } });
    await expect(
      verifier.verify({ access_token: "tok", matrix_server_name: "evil.com" }),
    ).rejects.toThrow(AccessError);
    expect(urls).toEqual([]);
  });

  it.each<[string, Answer, number]>([
    ["a valid answer", { status: 200, body: { sub: "@alice:example.org" } }, 1],
    ["a refused token", { status: 401 }, 1],
    ["a homeserver error (not definitive, so asked again)", { status: 503 }, 2],
  ])("two checks after %s ask the homeserver %i time(s)", async (_name, answer, calls) => {
    const { verifier, urls } = verifierWith(answer);
    for (let i = 0; i < 2; i++)
      await verifier.verify({ access_token: "tok" }).catch(() => undefined);
    expect(urls).toHaveLength(calls);
  });

  it("keeps tokens apart in the cache", async () => {
    const { verifier, urls } = verifierWith({ status: 200, body: { sub: "@alice:example.org" } });
    await verifier.verify({ access_token: "one" });
    await verifier.verify({ access_token: "two" });
    expect(urls).toHaveLength(2);
  });

  it.each([[""], [undefined as unknown as string]])(
    "refuses a missing token (%p) with 400",
    async (token) => {
      const { verifier } = verifierWith({ status: 200, body: { sub: "@a:example.org" } });
      await expect(verifier.verify({ access_token: token })).rejects.toMatchObject({ status: 400 });
    },
  );
});

describe("serverOfUserId", () => {
  it.each([
    ["@alice:example.org", "example.org"],
    ["@alice:example.org:8448", "example.org:8448"],
    ["alice:example.org", null],
    ["@alice", null],
    ["", null],
  ])("%p → %p", (userId, server) => {
    expect(serverOfUserId(userId)).toBe(server);
  });
});
