import {
  embeddedSessionCookies,
  MAX_SESSIONS_IN_COOKIE,
  sessionCookie,
  sessionIdsOf,
} from "./session-cookie";

describe("sessionIdsOf", () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ["", []],
    ["token=t.abc", []],
    ["sessionID=s.abc123", ["s.abc123"]],
    ["a=1; sessionID=s.one,s.two; b=2", ["s.one", "s.two"]],
    ["sessionID=s.ok,<script>,s.fine", ["s.ok", "s.fine"]],
  ])("%p → %p", (header, ids) => expect(sessionIdsOf(header)).toEqual(ids));
});

describe("sessionCookie", () => {
  it.each([
    [
      "https: Secure, SameSite=None",
      true,
      "sessionID=s.new; Max-Age=60; Path=/; Secure; SameSite=None",
    ],
    [
      "http loopback: SameSite=Lax, not Secure",
      false,
      "sessionID=s.new; Max-Age=60; Path=/; SameSite=Lax",
    ],
  ])("%s", (_name, https, expected) => {
    expect(sessionCookie("s.new", undefined, { https, maxAgeSeconds: 60 })).toBe(expected);
  });

  it("is readable by Etherpad's client script (not HttpOnly)", () => {
    expect(sessionCookie("s.new", undefined, { https: true, maxAgeSeconds: 60 })).not.toMatch(
      /HttpOnly/i,
    );
  });

  it("keeps the sessions the browser holds, newest first, without duplicates", () => {
    const cookie = sessionCookie("s.new", "sessionID=s.old,s.new", {
      https: false,
      maxAgeSeconds: 60,
    });
    expect(cookie.startsWith("sessionID=s.new%2Cs.old;")).toBe(true);
  });

  it(`keeps at most ${MAX_SESSIONS_IN_COOKIE} sessions`, () => {
    const many = Array.from({ length: 20 }, (_, i) => `s.old${i}`).join(",");
    const cookie = sessionCookie("s.new", `sessionID=${many}`, { https: false, maxAgeSeconds: 60 });
    expect(sessionIdsOf(cookie.split(";")[0])).toHaveLength(MAX_SESSIONS_IN_COOKIE);
  });
});

describe("embeddedSessionCookies", () => {
  it("sets an unpartitioned and a Partitioned copy on https, with one value", () => {
    const [plain, partitioned, ...rest] = embeddedSessionCookies("s.new", "sessionID=s.old", {
      https: true,
      maxAgeSeconds: 60,
    });
    expect(rest).toEqual([]);
    expect(plain).toBe("sessionID=s.new%2Cs.old; Max-Age=60; Path=/; Secure; SameSite=None");
    expect(partitioned).toBe(
      "sessionID=s.new%2Cs.old; Max-Age=60; Path=/; Secure; Partitioned; SameSite=None",
    );
  });

  it("sets one Lax cookie on plain http (Partitioned needs Secure)", () => {
    expect(embeddedSessionCookies("s.new", undefined, { https: false, maxAgeSeconds: 60 })).toEqual(
      ["sessionID=s.new; Max-Age=60; Path=/; SameSite=Lax"],
    );
  });
});
