import { MAX_CODE_ATTEMPTS, SignInBook, formatCode, normalizeCode } from "./sign-in-book";
import { SignInLimiter } from "./rate-limits";

const ALICE = "@alice:example.org";

describe("sign-in requests", () => {
  let now = 1_000_000;
  const book = () => new SignInBook(() => now);

  it("signs in with the code once, only with the asking browser's request id", () => {
    const b = book();
    const r = b.issue(ALICE, "!room:example.org");
    expect(b.tryCode("another-browser", r.code)).toMatchObject({ ok: false, reason: "no-request" });
    expect(b.tryCode(r.requestId, formatCode(r.code).toLowerCase())).toEqual({
      ok: true,
      userId: ALICE,
      roomId: "!room:example.org",
    });
    expect(b.tryCode(r.requestId, r.code)).toMatchObject({ ok: false, reason: "no-request" });
  });

  it(`closes the request after ${MAX_CODE_ATTEMPTS} wrong codes, so guessing ends`, () => {
    const b = book();
    const r = b.issue(ALICE, null);
    const outcomes = Array.from({ length: MAX_CODE_ATTEMPTS }, () =>
      b.tryCode(r.requestId, "nope"),
    );
    expect(outcomes[0]).toEqual({
      ok: false,
      reason: "wrong",
      attemptsLeft: MAX_CODE_ATTEMPTS - 1,
    });
    expect(outcomes.at(-1)).toEqual({ ok: false, reason: "closed" });
    expect(b.tryCode(r.requestId, r.code)).toMatchObject({ ok: false, reason: "no-request" });
  });

  it("lets the link be looked at, then used once; both expire after ten minutes", () => {
    const b = book();
    const r = b.issue(ALICE, null);
    expect(b.peekLink(r.linkToken)?.userId).toBe(ALICE);
    expect(b.peekLink(r.linkToken)?.userId).toBe(ALICE);
    expect(b.redeemLink(r.linkToken)?.userId).toBe(ALICE);
    expect(b.redeemLink(r.linkToken)).toBeNull();
    const late = b.issue(ALICE, null);
    now += 10 * 60_000;
    expect(b.peekLink(late.linkToken)).toBeNull();
    expect(b.tryCode(late.requestId, late.code)).toMatchObject({ reason: "no-request" });
  });

  it("makes codes people can read out: 8 unambiguous characters", () => {
    const { code } = book().issue(ALICE, null);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(normalizeCode(" abcd-efgh ")).toBe("ABCDEFGH");
  });
});

describe("sign-in limits", () => {
  it("refuse per target, per address and in total, counting nothing refused", () => {
    let now = 0;
    const limiter = new SignInLimiter({ perTarget: 2, perAddress: 3, total: 4 }, () => now);
    expect(limiter.take(ALICE, "a")).toBeNull();
    expect(limiter.take(ALICE.toUpperCase(), "b")).toBeNull();
    expect(limiter.take(ALICE, "c")).toMatchObject({ scope: "target" });
    expect(limiter.take("@bob:x", "a")).toBeNull();
    expect(limiter.take("@carol:x", "a")).toBeNull();
    expect(limiter.take("@dave:x", "a")).toMatchObject({ scope: "address" });
    expect(limiter.take("@erin:x", "z")).toMatchObject({ scope: "total" });
    now += 60 * 60_000;
    expect(limiter.take(ALICE, "a")).toBeNull();
  });
});
