import { etherpadWidget } from "./events";
import { parseWidgetEvent, parseWidgetsFromState } from "./parse";
import { PAD_INPUT } from "./test-support/widgets";

const TYPE = "im.vector.modular.widgets";
const content = {
  id: "atrium_pad_1",
  type: "m.etherpad",
  url: "https://atrium.example.org/pad?room=$matrix_room_id",
  name: "Minutes",
  creatorUserId: "@atrium:example.org",
  data: { padId: "g.x$minutes" },
  waitForIframeLoad: true,
};
const event = (c: unknown, stateKey: unknown = "atrium_pad_1", extra: object = {}) => ({
  type: TYPE,
  state_key: stateKey,
  content: c,
  sender: "@atrium:example.org",
  ...extra,
});

describe("parseWidgetEvent reads widgets", () => {
  it("returns every field of a good widget", () => {
    expect(parseWidgetEvent(event(content))).toEqual({
      ok: true,
      removed: false,
      widget: {
        stateKey: "atrium_pad_1",
        id: "atrium_pad_1",
        type: "m.etherpad",
        url: content.url,
        name: "Minutes",
        creatorUserId: "@atrium:example.org",
        sender: "@atrium:example.org",
        data: { padId: "g.x$minutes" },
        waitForIframeLoad: true,
        kind: "etherpad",
      },
    });
  });

  it("round-trips what the builders make", () => {
    const built = etherpadWidget({ ...PAD_INPUT, id: "w1" });
    const result = parseWidgetEvent(event(built, "w1"));
    expect(result.ok && !result.removed && result.widget.url).toBe(PAD_INPUT.url);
  });

  it.each([
    ["m.etherpad", "etherpad"],
    ["etherpad", "etherpad"],
    ["jitsi", "jitsi"],
    ["m.jitsi", "jitsi"],
    ["m.custom", "custom"],
    ["customwidget", "custom"],
    ["m.stickerpicker", "other"],
    ["__proto__", "other"],
    ["toString", "other"],
  ])("classifies type %s as %s", (type, kind) => {
    const result = parseWidgetEvent(event({ ...content, type }));
    expect(result.ok && !result.removed && result.widget.kind).toBe(kind);
  });

  it("uses the state key as the id even when the content disagrees", () => {
    const result = parseWidgetEvent(event({ ...content, id: "other" }, "real"));
    expect(result.ok && !result.removed && result.widget.id).toBe("real");
  });

  it("falls back to defaults for malformed optional fields", () => {
    const result = parseWidgetEvent(
      event({
        type: "m.custom",
        url: "https://x.org",
        name: 5,
        creatorUserId: {},
        waitForIframeLoad: "yes",
        data: [1],
      }),
    );
    expect(result).toEqual({
      ok: true,
      removed: false,
      widget: expect.objectContaining({
        name: "",
        creatorUserId: "@atrium:example.org",
        waitForIframeLoad: true,
        data: {},
      }),
    });
  });

  it("drops prototype keys from data", () => {
    const hostile = JSON.parse(
      '{"type":"m.custom","url":"https://x.org","data":{"__proto__":{"polluted":1},"constructor":1,"ok":2}}',
    );
    const result = parseWidgetEvent(event(hostile));
    expect(result.ok && !result.removed && result.widget.data).toEqual({ ok: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports empty content as a removed widget", () => {
    expect(parseWidgetEvent(event({}, "gone"))).toEqual({
      ok: true,
      removed: true,
      stateKey: "gone",
    });
  });
});

describe("parseWidgetEvent refuses hostile input with a reason", () => {
  it.each([
    ["null", null, /must be an object, not null/],
    ["undefined", undefined, /not missing/],
    ["a number", 42, /not a number/],
    ["a string", "im.vector.modular.widgets", /not a string/],
    ["an array", [event(content)], /not an array/],
    ["another event type", { ...event(content), type: "m.room.message" }, /event\.type/],
    ["a missing state key", { type: TYPE, content }, /event\.state_key: Required/],
    ["a numeric state key", event(content, 7), /event\.state_key/],
    ["an empty state key", event(content, ""), /event\.state_key/],
    ["a huge state key", event(content, "k".repeat(100_000)), /event\.state_key/],
    ["a control character in the state key", event(content, "a\u0000b"), /control characters/],
    ["null content", event(null), /event\.content/],
    ["array content", event([1, 2]), /event\.content/],
    ["string content", event("{}"), /event\.content/],
    ["content without type", event({ url: "https://x.org" }), /not a widget: content\.type/],
    ["content without url", event({ type: "m.custom" }), /not a widget: content\.url/],
    ["a numeric url", event({ type: "m.custom", url: 5 }), /content\.url/],
    ["an empty type", event({ type: "", url: "https://x.org" }), /content\.type/],
    [
      "a huge url",
      event({ type: "m.custom", url: `https://x.org/${"a".repeat(20_000)}` }),
      /content\.url/,
    ],
    [
      "nested garbage",
      event({ type: { deep: [{ deeper: null }] }, url: [[["x"]]] }),
      /content\.type/,
    ],
    [
      "only a __proto__ key",
      event(JSON.parse('{"__proto__": {"type": "m.custom", "url": "https://x"}}')),
      /not a widget/,
    ],
    ["a non-string sender", event(content, "k", { sender: 12 }), /event\.sender/],
  ])("%s", (_label, input, reason) => {
    let result: ReturnType<typeof parseWidgetEvent> | undefined;
    expect(() => {
      result = parseWidgetEvent(input);
    }).not.toThrow();
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("survives an object whose getters throw", () => {
    const trap = { type: TYPE, state_key: "k", sender: "@a:b" } as Record<string, unknown>;
    Object.defineProperty(trap, "content", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(parseWidgetEvent(trap)).toEqual({ ok: false, reason: expect.stringMatching(/boom/) });
  });
});

describe("parseWidgetsFromState", () => {
  it("lists live widgets and skips removed, broken and foreign events", () => {
    const widgets = parseWidgetsFromState([
      event(content, "a"),
      event({ ...content, type: "jitsi" }, "b"),
      event({}, "c"),
      event({ url: "https://x.org" }, "d"),
      { type: "m.room.name", state_key: "", content: { name: "Room" } },
      null,
      "garbage",
      event({ ...content, name: "Later" }, "a"),
    ]);
    expect(widgets.map((w) => [w.stateKey, w.kind, w.name])).toEqual([
      ["b", "jitsi", "Minutes"],
      ["a", "etherpad", "Later"],
    ]);
  });

  it("lets a later removal win over an earlier widget", () => {
    expect(parseWidgetsFromState([event(content, "a"), event({}, "a")])).toEqual([]);
  });

  it.each([[null], [undefined], [{}], ["[]"], [7]])("returns [] for %p", (input) => {
    expect(parseWidgetsFromState(input)).toEqual([]);
  });
});
