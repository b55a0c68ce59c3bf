import { buildLayout, mergeLayout } from "./layout";
import type { LayoutInput } from "./layout-rules";
import { parseLayout } from "./parse-layout";
import { WidgetInputError } from "./result";

describe("buildLayout", () => {
  it("places widgets in their containers with their sizes", () => {
    expect(
      buildLayout([
        { widgetId: "call", container: "top", index: 0, width: 60, height: 40 },
        { widgetId: "pad", container: "top", index: 1, width: 40 },
        { widgetId: "board", container: "right" },
        { widgetId: "doc", container: "center" },
      ]),
    ).toEqual({
      widgets: {
        call: { container: "top", index: 0, width: 60, height: 40 },
        pad: { container: "top", index: 1, width: 40 },
        board: { container: "right" },
        doc: { container: "center" },
      },
    });
  });

  it.each([
    ["width below 10", { width: 3 }, { width: 10 }],
    ["width above 100", { width: 250 }, { width: 100 }],
    ["fractional width", { width: 33.4 }, { width: 33 }],
    ["height below 2", { height: 0 }, { height: 2 }],
    ["negative height", { height: -5 }, { height: 2 }],
    ["height above 100", { height: 101 }, { height: 100 }],
  ])("clamps %s", (_label, sizes, expected) => {
    const layout = buildLayout([{ widgetId: "w", container: "top", ...sizes }]);
    expect(layout.widgets.w).toEqual({ container: "top", ...expected });
  });

  it("moves top entries beyond the third to the right panel, by index then order", () => {
    const layout = buildLayout([
      { widgetId: "a", container: "top" },
      { widgetId: "b", container: "top", index: 2 },
      { widgetId: "c", container: "top", index: 0 },
      { widgetId: "d", container: "top", index: 1 },
      { widgetId: "e", container: "top", width: 50 },
    ]);
    expect(layout.widgets).toEqual({
      a: { container: "right" },
      b: { container: "top", index: 2 },
      c: { container: "top", index: 0 },
      d: { container: "top", index: 1 },
      e: { container: "right" },
    });
  });

  it.each<[string, LayoutInput[], RegExp]>([
    [
      "two center widgets",
      [
        { widgetId: "a", container: "center" },
        { widgetId: "b", container: "center" },
      ],
      /only one widget may be in the center/,
    ],
    [
      "the same widget twice",
      [
        { widgetId: "a", container: "top" },
        { widgetId: "a", container: "right" },
      ],
      /appears twice/,
    ],
    ["an unknown container", [{ widgetId: "a", container: "left" as never }], /container "left"/],
    ["an empty widget id", [{ widgetId: "", container: "top" }], /widgetId ""/],
    [
      "a __proto__ widget id",
      [{ widgetId: "__proto__", container: "top" }],
      /widgetId "__proto__"/,
    ],
    ["a negative index", [{ widgetId: "a", container: "top", index: -1 }], /index/],
    ["a fractional index", [{ widgetId: "a", container: "top", index: 0.5 }], /index/],
    ["a NaN width", [{ widgetId: "a", container: "top", width: Number.NaN }], /width/],
    ["a string height", [{ widgetId: "a", container: "top", height: "50" as never }], /height/],
  ])("refuses %s", (_label, entries, reason) => {
    expect(() => buildLayout(entries)).toThrow(WidgetInputError);
    expect(() => buildLayout(entries)).toThrow(reason);
  });

  it("accepts an empty list", () => {
    expect(buildLayout([])).toEqual({ widgets: {} });
  });
});

describe("mergeLayout", () => {
  const existing = {
    widgets: {
      one: { container: "top", index: 0 },
      two: { container: "top", index: 1 },
      three: { container: "top", index: 2 },
      side: { container: "right" },
    },
  };

  it("pins into a full top container by moving the last top widget to the right", () => {
    expect(mergeLayout(existing, { widgetId: "pad", container: "top" }).widgets).toEqual({
      one: { container: "top", index: 0 },
      two: { container: "top", index: 1 },
      three: { container: "right" },
      side: { container: "right" },
      pad: { container: "top", index: 2 },
    });
  });

  it("keeps the caller's index for the pinned widget", () => {
    const merged = mergeLayout(existing, { widgetId: "pad", container: "top", index: 0 });
    expect(merged.widgets.pad).toEqual({ container: "top", index: 0 });
    expect(Object.values(merged.widgets).filter((e) => e.container === "top")).toHaveLength(3);
  });

  it("re-pins a widget already on top without moving others", () => {
    const merged = mergeLayout(existing, {
      widgetId: "two",
      container: "top",
      index: 1,
      height: 50,
    });
    expect(merged.widgets).toEqual({
      ...existing.widgets,
      two: { container: "top", index: 1, height: 50 },
    });
  });

  it("moves the widget in the center to the right when another takes the center", () => {
    const merged = mergeLayout(
      { widgets: { old: { container: "center" } } },
      { widgetId: "new", container: "center" },
    );
    expect(merged.widgets).toEqual({ old: { container: "right" }, new: { container: "center" } });
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string", "garbage"],
    ["an array", [{ container: "top" }]],
    ["widgets as an array", { widgets: ["top"] }],
    ["widgets as a number", { widgets: 7 }],
    ["empty content", {}],
  ])("starts from an empty layout when the existing content is %s", (_label, content) => {
    expect(mergeLayout(content, { widgetId: "pad", container: "top" })).toEqual({
      widgets: { pad: { container: "top", index: 0 } },
    });
  });

  it("drops hostile entries of the existing layout and keeps the good ones", () => {
    const hostile = JSON.parse(
      '{"widgets": {"__proto__": {"container": "top"}, "good": {"container": "right"}, "bad": {"container": "sideways"}, "constructor": {"container": "top"}}}',
    );
    const merged = mergeLayout(hostile, { widgetId: "pad", container: "top" });
    expect(merged.widgets).toEqual({
      good: { container: "right" },
      pad: { container: "top", index: 0 },
    });
    expect(Object.getPrototypeOf(merged.widgets)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).container).toBeUndefined();
  });

  it("refuses a malformed entry", () => {
    expect(() => mergeLayout(existing, { widgetId: "", container: "top" })).toThrow(
      WidgetInputError,
    );
  });

  it("produces content that parses back without problems", () => {
    const merged = mergeLayout(existing, { widgetId: "pad", container: "top", width: 5 });
    expect(parseLayout(merged)).toEqual({ ok: true, layout: merged, problems: [] });
  });
});
