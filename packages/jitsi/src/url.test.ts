import { validateWidgetUrl } from "@atrium/widgets";
import { JitsiInputError } from "./errors";
import { conferenceUrl, elementJitsiWidgetUrl } from "./url";

const FRAGMENT =
  "conferenceDomain=$domain&conferenceId=$conferenceId&isAudioOnly=$isAudioOnly" +
  "&startWithAudioMuted=$startWithAudioMuted&startWithVideoMuted=$startWithVideoMuted" +
  "&isVideoChannel=$isVideoChannel&displayName=$matrix_display_name&avatarUrl=$matrix_avatar_url" +
  "&userId=$matrix_user_id&roomId=$matrix_room_id&theme=$theme&roomName=$roomName" +
  "&supportsScreensharing=true&language=$org.matrix.msc2873.client_language";

describe("elementJitsiWidgetUrl", () => {
  it.each([
    ["app.example.org", {}, `https://app.example.org/jitsi.html?confId=$conferenceId#${FRAGMENT}`],
    [
      "app.example.org",
      { auth: true },
      `https://app.example.org/jitsi.html?confId=$conferenceId#${FRAGMENT}&auth=$auth`,
    ],
    [
      "https://app.example.org",
      {},
      `https://app.example.org/jitsi.html?confId=$conferenceId#${FRAGMENT}`,
    ],
    [
      "https://example.org/element",
      { auth: false },
      `https://example.org/element/jitsi.html?confId=$conferenceId#${FRAGMENT}`,
    ],
    [
      "http://localhost:8080/",
      {},
      `http://localhost:8080/jitsi.html?confId=$conferenceId#${FRAGMENT}`,
    ],
  ])("%s %j", (origin, opts, expected) => {
    expect(elementJitsiWidgetUrl(origin, opts)).toBe(expected);
  });

  it("is itself a valid widget URL that keeps its template variables", () => {
    const url = elementJitsiWidgetUrl("app.example.org", { auth: true });
    expect(validateWidgetUrl(url)).toEqual({ ok: true, value: url });
  });

  it.each([
    ["javascript:alert(1)", /not a valid host name/],
    ["javascript://app.example.org/%0aalert(1)", /javascript: scheme/],
    ["ftp://app.example.org/", /ftp: scheme/],
    ["https://app.example.org/?x=1", /without a query or fragment/],
    ["app example.org", /whitespace/],
    ["", /empty/],
  ])("refuses %j", (origin, reason) => {
    expect(() => elementJitsiWidgetUrl(origin)).toThrow(JitsiInputError);
    expect(() => elementJitsiWidgetUrl(origin)).toThrow(reason);
  });
});

describe("conferenceUrl", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJyb29tIjoiQUJDIn0.c2lnbmF0dXJl";

  it.each([
    [{}, "https://meet.example.org/EFQTUYQ#config.startWithAudioMuted=true"],
    [
      { startWithAudioMuted: false },
      "https://meet.example.org/EFQTUYQ#config.startWithAudioMuted=false",
    ],
    [
      { jwt, subject: "Standup", displayName: "Alice" },
      `https://meet.example.org/EFQTUYQ?jwt=${jwt}#config.startWithAudioMuted=true&config.subject=%22Standup%22&userInfo.displayName=%22Alice%22`,
    ],
    [
      { subject: 'Q&A "live" #1 ü' },
      "https://meet.example.org/EFQTUYQ#config.startWithAudioMuted=true&config.subject=%22Q%26A%20%5C%22live%5C%22%20%231%20%C3%BC%22",
    ],
  ])("%j", (opts, expected) => {
    expect(conferenceUrl({ domain: "meet.example.org", conferenceId: "EFQTUYQ", ...opts })).toBe(
      expected,
    );
  });

  it("encodes fragment values so that Jitsi's decode-then-JSON.parse gets them back", () => {
    const subject = 'a&b=c#d "e" \\ f';
    const url = new URL(conferenceUrl({ domain: "meet.example.org", conferenceId: "X", subject }));
    const params = Object.fromEntries(
      url.hash
        .slice(1)
        .split("&")
        .map((pair) => pair.split("="))
        .map(([k, v]) => [k, JSON.parse(decodeURIComponent(v ?? "")) as unknown]),
    );
    expect(params).toEqual({ "config.startWithAudioMuted": true, "config.subject": subject });
  });

  it.each([
    [{ domain: "https://meet.example.org" }, /looks like a URL/],
    [{ conferenceId: "" }, /conferenceId/],
    [{ conferenceId: "a/b" }, /conferenceId/],
    [{ jwt: "not a jwt" }, /compact JWT/],
    [{ jwt: "a.b.c&x=1" }, /compact JWT/],
    [{ startWithAudioMuted: "true" }, /startWithAudioMuted/],
    [{ subject: 5 }, /config.subject must be text/],
  ])("refuses %j", (override, reason) => {
    const call = () =>
      conferenceUrl({ domain: "meet.example.org", conferenceId: "X", ...override } as never);
    expect(call).toThrow(JitsiInputError);
    expect(call).toThrow(reason);
  });
});
