import { matrixRtcEnabled, matrixRtcUrls } from "./calls";
import { parseStackConfig } from "./config-schema";
import { configProblems, MINIMAL_CONFIG } from "./test-support/config";

describe("atrium:calls", () => {
  it("defaults to both, with the SFU on sfu.<domain>", () => {
    const { settings } = parseStackConfig(MINIMAL_CONFIG);
    expect(settings.calls).toBe("both");
    expect(settings.sfuDomain).toBe("sfu.example.org");
    expect(settings.conferenceAtThirdMember).toBe(true);
    expect(matrixRtcEnabled(settings)).toBe(true);
    expect(matrixRtcUrls(settings)).toEqual({
      sfuUrl: "wss://sfu.example.org",
      livekitServiceUrl: "https://pad.example.org/atrium/rtc",
      sfuApiUrl: "http://atrium-livekit:7880",
      webhookUrl: "http://atrium-appservice:9001/atrium/rtc/webhook",
    });
  });

  it.each([
    ["jitsi", false],
    ["element-call", true],
    ["both", true],
  ])("%s runs MatrixRTC: %s", (calls, on) => {
    expect(matrixRtcEnabled(parseStackConfig({ ...MINIMAL_CONFIG, calls }).settings)).toBe(on);
  });

  it("refuses an unknown mode, naming the choices and the fix", () => {
    expect(configProblems({ ...MINIMAL_CONFIG, calls: "livekit" })).toEqual([
      "atrium:calls: must be jitsi, element-call or both — set it with pulumi config set atrium:calls both",
    ]);
  });

  it("element-call leaves the room's call to Element Call: no Jitsi conference at the third member", () => {
    const { settings } = parseStackConfig({ ...MINIMAL_CONFIG, calls: "element-call" });
    expect(settings.conferenceAtThirdMember).toBe(false);
  });

  it("refuses element-call with the Jitsi conference at the third member asked for", () => {
    const [problem] = configProblems({
      ...MINIMAL_CONFIG,
      calls: "element-call",
      conferenceAtThirdMember: "true",
    });
    expect(problem).toContain(
      "atrium:conferenceAtThirdMember: true contradicts atrium:calls element-call",
    );
    expect(problem).toContain("pulumi config rm atrium:conferenceAtThirdMember");
  });

  it("refuses a LiveKit API secret LiveKit would refuse, before anything changes", () => {
    const [problem] = configProblems({
      ...MINIMAL_CONFIG,
      livekitApiSecret: "only-twenty-chars-ok",
    });
    expect(problem).toContain(
      "atrium:livekitApiSecret: too short: LiveKit refuses API secrets under 32 characters",
    );
    expect(
      parseStackConfig({ ...MINIMAL_CONFIG, livekitApiSecret: "x".repeat(32) }).secretValues,
    ).toMatchObject({ livekitApiSecret: "x".repeat(32) });
  });

  it("gives the SFU a host name of its own", () => {
    expect(configProblems({ ...MINIMAL_CONFIG, sfuDomain: "pad.example.org" })).toEqual([
      "atrium:sfuDomain: pad.example.org is also atrium:padDomain; each service needs its own host name — set it with pulumi config set atrium:sfuDomain sfu.example.org",
    ]);
    // Without MatrixRTC the host is not served, so it cannot clash.
    expect(
      parseStackConfig({ ...MINIMAL_CONFIG, calls: "jitsi", sfuDomain: "pad.example.org" }).settings
        .calls,
    ).toBe("jitsi");
  });
});
