import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from "jose";
import { JitsiInputError } from "./errors";
import { mintJitsiJwt, verifyJitsiJwt, type MintJitsiJwtOptions } from "./jwt";

const SECRET = "0123456789abcdef0123456789abcdef"; // exactly 32 bytes
const NOW = new Date("2025-01-01T12:00:00Z");
const T = NOW.getTime() / 1000;
const MINT: MintJitsiJwtOptions = {
  secret: SECRET,
  appId: "atrium",
  domain: "meet.example.org",
  room: "EFQTUYQ",
  user: { id: "@alice:example.org", name: "Alice", avatar: "https://example.org/a.png" },
  moderator: true,
  now: NOW,
};
const VERIFY = {
  secret: SECRET,
  appId: "atrium",
  domain: "meet.example.org",
  room: "EFQTUYQ",
  now: NOW,
};

/** Signs arbitrary claims, for tokens mintJitsiJwt would never make. */
async function forge(
  payload: JWTPayload,
  opts: { secret?: string; alg?: string } = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: opts.alg ?? "HS256" })
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));
}
const goodClaims = (): JWTPayload => ({
  iss: "atrium",
  aud: "atrium",
  sub: "meet.example.org",
  room: "EFQTUYQ",
  iat: T,
  nbf: T,
  exp: T + 300,
  context: { user: { id: "@alice:example.org", name: "Alice", moderator: "false" } },
});

describe("mintJitsiJwt", () => {
  it("writes every claim and an HS256 header", async () => {
    const token = await mintJitsiJwt(MINT);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(decodeJwt(token)).toEqual({
      ...goodClaims(),
      context: {
        user: {
          id: "@alice:example.org",
          name: "Alice",
          avatar: "https://example.org/a.png",
          moderator: "true",
        },
      },
    });
  });

  it.each([
    [{ moderator: false }, "moderator", "false"],
    [{ audience: "jitsi" }, "aud", "jitsi"],
    [{ ttlSeconds: 3600 }, "exp", T + 3600],
    [{ ttlSeconds: 1 }, "exp", T + 1],
  ])("honours %j", async (override, claim, expected) => {
    const payload = decodeJwt(await mintJitsiJwt({ ...MINT, ...override }));
    const user = (payload.context as { user: Record<string, unknown> }).user;
    expect(claim === "moderator" ? user.moderator : payload[claim]).toBe(expected);
  });

  it("leaves avatar out when none is given", async () => {
    const payload = decodeJwt(await mintJitsiJwt({ ...MINT, user: { id: "@b:x", name: "B" } }));
    expect(payload.context).toEqual({ user: { id: "@b:x", name: "B", moderator: "true" } });
  });

  it.each([
    ["a 31-byte secret", { secret: "x".repeat(31) }, /at least 32 bytes; got 31/],
    ["an empty secret", { secret: "" }, /at least 32 bytes; got 0/],
    ["a * room", { room: "*" }, /room must name one conference/],
    ["an empty room", { room: "" }, /room must name one conference/],
    [
      "a TTL over an hour",
      { ttlSeconds: 3601 },
      /ttlSeconds must be a whole number from 1 to 3600; got 3601/,
    ],
    ["a zero TTL", { ttlSeconds: 0 }, /ttlSeconds/],
    ["a fractional TTL", { ttlSeconds: 1.5 }, /ttlSeconds/],
    ["a URL as domain", { domain: "https://meet.example.org" }, /domain: .*looks like a URL/],
    ["an empty app id", { appId: "" }, /appId/],
    ["a user without a name", { user: { id: "@a:b", name: "" } }, /user\.name/],
    ["a string moderator flag", { moderator: "true" }, /moderator must be true or false/],
    ["an invalid date", { now: new Date("nope") }, /now must be a valid Date/],
  ])("refuses %s", async (_label, override, reason) => {
    const minting = mintJitsiJwt({ ...MINT, ...override } as MintJitsiJwtOptions);
    await expect(minting).rejects.toThrow(JitsiInputError);
    await expect(mintJitsiJwt({ ...MINT, ...override } as MintJitsiJwtOptions)).rejects.toThrow(
      reason,
    );
  });
});

describe("verifyJitsiJwt", () => {
  it("accepts what mintJitsiJwt made and returns its claims", async () => {
    const token = await mintJitsiJwt(MINT);
    const result = await verifyJitsiJwt(token, VERIFY);
    expect(result).toEqual({ ok: true, claims: decodeJwt(token) });
  });

  it("accepts the room in another letter case, as Prosody lower-cases room names", async () => {
    const token = await mintJitsiJwt(MINT);
    expect((await verifyJitsiJwt(token, { ...VERIFY, room: "efqtuyq" })).ok).toBe(true);
  });

  it("honours a custom audience", async () => {
    const token = await mintJitsiJwt({ ...MINT, audience: "jitsi" });
    expect((await verifyJitsiJwt(token, { ...VERIFY, audience: "jitsi" })).ok).toBe(true);
  });

  const minted = () => mintJitsiJwt(MINT);
  it.each<[string, () => Promise<string>, Partial<typeof VERIFY>, RegExp]>([
    ["another secret", minted, { secret: "f".repeat(32) }, /signature does not match/],
    [
      "a tampered payload",
      async () => {
        const [h, , s] = (await minted()).split(".");
        const body = Buffer.from(JSON.stringify({ ...goodClaims(), room: "OTHER" })).toString(
          "base64url",
        );
        return `${h}.${body}.${s}`;
      },
      {},
      /signature does not match/,
    ],
    [
      "alg none",
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString(
          "base64url",
        );
        const body = Buffer.from(JSON.stringify(goodClaims())).toString("base64url");
        return `${header}.${body}.`;
      },
      {},
      /algorithm is not allowed/,
    ],
    [
      "HS512",
      () => forge(goodClaims(), { alg: "HS512", secret: SECRET.repeat(2) }),
      {},
      /algorithm is not allowed/,
    ],
    ["an expired token", minted, { now: new Date(NOW.getTime() + 301_000) }, /has expired/],
    ["a token not valid yet", minted, { now: new Date(NOW.getTime() - 60_000) }, /not valid yet/],
    ["another issuer", minted, { appId: "someone-else" }, /issuer \(iss\)/],
    [
      "another audience",
      () => mintJitsiJwt({ ...MINT, audience: "other" }),
      {},
      /audience \(aud\)/,
    ],
    ["another domain", minted, { domain: "meet.other.org" }, /subject \(sub\)/],
    ["another room", minted, { room: "MZXW6" }, /for conference "EFQTUYQ", not "MZXW6"/],
    ["a * room claim", () => forge({ ...goodClaims(), room: "*" }), {}, /"\*" or missing/],
    ["a numeric room claim", () => forge({ ...goodClaims(), room: 7 }), {}, /"\*" or missing/],
    ["no room claim", () => forge({ ...goodClaims(), room: undefined }), {}, /room/],
    ["no exp", () => forge({ ...goodClaims(), exp: undefined }), {}, /exp/],
    ["no nbf", () => forge({ ...goodClaims(), nbf: undefined }), {}, /nbf/],
    ["no context.user", () => forge({ ...goodClaims(), context: {} }), {}, /context\.user/],
    ["a garbage token", async () => "not.a.jwt", {}, /malformed/],
    ["an empty token", async () => "", {}, /empty/],
  ])("refuses %s", async (_label, makeToken, override, reason) => {
    const result = await verifyJitsiJwt(await makeToken(), { ...VERIFY, ...override });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it.each([
    [{ room: "*" }, /room must name one conference/],
    [{ secret: "short" }, /at least 32 bytes/],
  ])("throws on wrong options %j", async (override, reason) => {
    await expect(verifyJitsiJwt("a.b.c", { ...VERIFY, ...override })).rejects.toThrow(reason);
  });
});
