import { jitsiConferenceId, jitsiWidget } from "@atrium/widgets";
import { JitsiInputError } from "./errors";
import { jitsiWidgetData, randomConferenceId, type JitsiAuthMode } from "./widget-data";

const ROOM = "!OGEhHVWSdvArJzumhm:example.org";
const base = { domain: "meet.example.org", roomId: ROOM, roomName: " Standup " };

describe("jitsiWidgetData", () => {
  it.each<[JitsiAuthMode, boolean, string | undefined]>([
    ["openidtoken-jwt", true, "openidtoken-jwt"],
    ["jwt", true, undefined],
    ["none", false, undefined],
  ])("auth %s: room-derived id %s, data.auth %s, always muted", (auth, derived, dataAuth) => {
    const data = jitsiWidgetData({ ...base, auth });
    expect(data.startWithAudioMuted).toBe(true);
    expect(data.auth).toBe(dataAuth);
    expect(Object.hasOwn(data, "auth")).toBe(dataAuth !== undefined);
    if (derived) expect(data.conferenceId).toBe(jitsiConferenceId(ROOM));
    else expect(data.conferenceId).toMatch(/^Jitsi[A-Z][a-z]{23}$/);
    expect(data).toEqual(
      expect.objectContaining({
        domain: "meet.example.org",
        roomName: "Standup",
        isAudioOnly: false,
        startWithVideoMuted: false,
        isVideoChannel: false,
      }),
    );
  });

  it("gives a stable id per room with auth and a fresh one without", () => {
    const a = jitsiWidgetData({ ...base, auth: "jwt" }).conferenceId;
    expect(jitsiWidgetData({ ...base, auth: "openidtoken-jwt" }).conferenceId).toBe(a);
    const ids = new Set(
      Array.from({ length: 50 }, () => jitsiWidgetData({ ...base, auth: "none" }).conferenceId),
    );
    expect(ids.size).toBe(50);
  });

  it.each([[true], [false]])("passes isAudioOnly=%s through", (isAudioOnly) => {
    expect(jitsiWidgetData({ ...base, auth: "none", isAudioOnly }).isAudioOnly).toBe(isAudioOnly);
  });

  it.each([
    ["meet.example.org:8443", "meet.example.org:8443"],
    ["MEET.example.org", "meet.example.org"],
  ])("keeps a host with port: %s", (domain, expected) => {
    expect(jitsiWidgetData({ ...base, domain, auth: "jwt" }).domain).toBe(expected);
  });

  it("builds a widget the widgets package accepts", () => {
    const data = jitsiWidgetData({ ...base, auth: "openidtoken-jwt" });
    const content = jitsiWidget({
      id: "atrium_jitsi_x",
      creatorUserId: "@atrium:example.org",
      name: "Call",
      url: "https://app.example.org/jitsi.html?confId=$conferenceId",
      data,
    });
    expect(content.data).toEqual({ ...data });
  });

  it.each([
    ["a URL as domain", { domain: "https://meet.example.org" }, /domain: .*looks like a URL/],
    ["a domain with a path", { domain: "meet.example.org/x" }, /looks like a URL/],
    ["an empty domain", { domain: "" }, /domain: The host is empty/],
    ["an alias instead of a room id", { roomId: "#room:example.org" }, /roomId: .*not a room id/],
    ["an empty room name", { roomName: "  " }, /roomName/],
    ["an unknown auth mode", { auth: "token" }, /auth "token"/],
    ["a string isAudioOnly", { isAudioOnly: "yes" }, /isAudioOnly/],
  ])("refuses %s", (_label, override, reason) => {
    const call = () => jitsiWidgetData({ ...base, auth: "jwt", ...override } as never);
    expect(call).toThrow(JitsiInputError);
    expect(call).toThrow(reason);
  });
});

describe("randomConferenceId", () => {
  it("follows Element's shape", () => {
    for (let i = 0; i < 100; i++) expect(randomConferenceId()).toMatch(/^Jitsi[A-Z][a-z]{23}$/);
  });
});
