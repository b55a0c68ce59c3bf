import {
  LAYOUT_EVENT_TYPE,
  WIDGET_EVENT_TYPE,
  customWidget,
  etherpadWidget,
  jitsiWidget,
  removedWidgetContent,
  type JitsiWidgetFields,
} from "./events";
import { WidgetInputError } from "./result";
import { PAD_INPUT } from "./test-support/widgets";

const BASE = PAD_INPUT;
const JITSI: JitsiWidgetFields = {
  domain: "meet.example.org",
  conferenceId: "EFQTUYQ",
  isAudioOnly: false,
  roomName: "Standup",
  auth: "openidtoken-jwt",
  startWithAudioMuted: true,
};

describe("event type constants", () => {
  it("match Element's names", () => {
    expect(WIDGET_EVENT_TYPE).toBe("im.vector.modular.widgets");
    expect(LAYOUT_EVENT_TYPE).toBe("io.element.widgets.layout");
  });
});

describe("widget builders, field by field", () => {
  it.each([
    [
      "etherpadWidget",
      etherpadWidget({ ...BASE, data: { padId: "g.x$minutes" } }),
      "m.etherpad",
      { padId: "g.x$minutes" },
      true,
    ],
    ["etherpadWidget without data", etherpadWidget(BASE), "m.etherpad", {}, true],
    ["customWidget", customWidget({ ...BASE, waitForIframeLoad: false }), "m.custom", {}, false],
    [
      "customWidget default wait",
      customWidget({ ...BASE, data: { title: "Board" } }),
      "m.custom",
      { title: "Board" },
      true,
    ],
  ])("%s", (_label, content, type, data, wait) => {
    expect(Object.keys(content).sort()).toEqual(
      ["creatorUserId", "data", "id", "name", "type", "url", "waitForIframeLoad"].sort(),
    );
    expect(content.id).toBe(BASE.id);
    expect(content.type).toBe(type);
    expect(content.url).toBe(BASE.url);
    expect(content.name).toBe("Minutes");
    expect(content.creatorUserId).toBe(BASE.creatorUserId);
    expect(content.data).toEqual(data);
    expect(content.waitForIframeLoad).toBe(wait);
  });

  it("jitsiWidget uses Element's legacy type and copies exactly the Jitsi fields", () => {
    const content = jitsiWidget({ ...BASE, id: "atrium_jitsi_x", data: JITSI });
    expect(content.type).toBe("jitsi");
    expect(content.id).toBe("atrium_jitsi_x");
    expect(content.waitForIframeLoad).toBe(true);
    expect(content.data).toEqual(JITSI);
  });

  it("jitsiWidget leaves auth out when it is not set", () => {
    const { auth: _auth, ...noAuth } = JITSI;
    const content = jitsiWidget({ ...BASE, data: noAuth });
    expect(Object.hasOwn(content.data, "auth")).toBe(false);
  });

  it("copies data so later changes to the input do not leak in", () => {
    const data: Record<string, unknown> = { a: 1 };
    const content = customWidget({ ...BASE, data });
    data.a = 2;
    expect(content.data).toEqual({ a: 1 });
  });

  it.each([
    ["mxc://example.org/abc", "mxc://example.org/abc"],
    ["https://example.org/icon.png", "https://example.org/icon.png"],
  ])("keeps avatar_url %s", (avatarUrl, expected) => {
    expect(customWidget({ ...BASE, avatarUrl }).avatar_url).toBe(expected);
  });

  it("removedWidgetContent is empty content", () => {
    expect(removedWidgetContent()).toEqual({});
    expect(Object.keys(removedWidgetContent())).toHaveLength(0);
  });
});

describe("widget builders refuse programmer errors", () => {
  it.each([
    ["empty id", { ...BASE, id: "" }, /widget id ""/],
    ["id with a slash", { ...BASE, id: "a/b" }, /widget id "a\/b"/],
    ["__proto__ id", { ...BASE, id: "__proto__" }, /widget id "__proto__"/],
    ["bad user id", { ...BASE, creatorUserId: "atrium" }, /creatorUserId "atrium"/],
    ["empty name", { ...BASE, name: " " }, /name is empty/],
    ["javascript URL", { ...BASE, url: "javascript:alert(1)" }, /javascript: scheme/],
    ["relative URL", { ...BASE, url: "/widgets/pad" }, /no scheme/],
    [
      "array data",
      { ...BASE, data: [] as unknown as Record<string, unknown> },
      /data must be an object/,
    ],
    ["__proto__ in data", { ...BASE, data: JSON.parse('{"__proto__": {"x": 1}}') }, /"__proto__"/],
    ["bad avatar", { ...BASE, avatarUrl: "javascript:x" }, /avatarUrl/],
  ])("%s", (_label, opts, reason) => {
    expect(() => customWidget(opts)).toThrow(WidgetInputError);
    expect(() => customWidget(opts)).toThrow(reason);
  });

  it.each([
    ["missing data", undefined, /data with the Jitsi fields/],
    ["empty domain", { ...JITSI, domain: "" }, /data.domain/],
    ["URL as domain", { ...JITSI, domain: "https://meet.example.org" }, /host name, not a URL/],
    ["bad conference id", { ...JITSI, conferenceId: "a b" }, /conferenceId/],
    ["string isAudioOnly", { ...JITSI, isAudioOnly: "false" }, /isAudioOnly/],
    ["unknown auth", { ...JITSI, auth: "jwt" }, /data.auth/],
    ["string mute flag", { ...JITSI, startWithAudioMuted: "true" }, /startWithAudioMuted/],
  ])("jitsiWidget: %s", (_label, data, reason) => {
    const call = () => jitsiWidget({ ...BASE, data: data as unknown as JitsiWidgetFields });
    expect(call).toThrow(WidgetInputError);
    expect(call).toThrow(reason);
  });

  it("customWidget refuses a non-boolean waitForIframeLoad", () => {
    expect(() => customWidget({ ...BASE, waitForIframeLoad: "no" as unknown as boolean })).toThrow(
      /waitForIframeLoad/,
    );
  });
});
