import { parseLayout } from "./parse-layout";

describe("parseLayout", () => {
  it("reads a well-formed layout unchanged", () => {
    const content = {
      widgets: {
        a: { container: "top", index: 0, width: 50, height: 30 },
        b: { container: "right" },
        c: { container: "center" },
      },
    };
    expect(parseLayout(content)).toEqual({ ok: true, layout: content, problems: [] });
  });

  it.each([
    ["{}", {}],
    ["content without widgets", { other: 1 }],
  ])("treats %s as an empty layout", (_label, content) => {
    expect(parseLayout(content)).toEqual({ ok: true, layout: { widgets: {} }, problems: [] });
  });

  it.each([
    ["null", null, /must be an object, not null/],
    ["undefined", undefined, /not missing/],
    ["a number", 3, /not a number/],
    ["an array", [], /not an array/],
    ["a string", '{"widgets":{}}', /not a string/],
    ["widgets as an array", { widgets: [] }, /"widgets" must be an object .* not an array/],
    ["widgets as null", { widgets: null }, /not null/],
    ["widgets as a string", { widgets: "top" }, /not a string/],
  ])("refuses %s", (_label, content, reason) => {
    expect(parseLayout(content)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it.each([
    [
      "a __proto__ key",
      '{"__proto__": {"container": "top"}}',
      {},
      /"__proto__" is not a usable widget id/,
    ],
    ["a constructor key", '{"constructor": {"container": "top"}}', {}, /"constructor"/],
    ["an empty key", '{"": {"container": "top"}}', {}, /"" is not a usable/],
    ["a non-object entry", '{"a": "top"}', {}, /must be an object, not a string/],
    [
      "an unknown container",
      '{"a": {"container": "left"}}',
      {},
      /container must be top, right or center/,
    ],
    ["a numeric container", '{"a": {"container": 1}}', {}, /container/],
    [
      "a string index",
      '{"a": {"container": "top", "index": "1"}}',
      { a: { container: "top" } },
      /index/,
    ],
    [
      "a negative index",
      '{"a": {"container": "top", "index": -2}}',
      { a: { container: "top" } },
      /index/,
    ],
    [
      "a string width",
      '{"a": {"container": "top", "width": "50"}}',
      { a: { container: "top" } },
      /width is not a number/,
    ],
    [
      "a null height",
      '{"a": {"container": "top", "height": null}}',
      { a: { container: "top" } },
      /height is not a number/,
    ],
  ])("drops %s with a problem", (_label, widgetsJson, widgets, problem) => {
    const result = parseLayout(JSON.parse(`{"widgets": ${widgetsJson}}`));
    expect(result).toEqual({
      ok: true,
      layout: { widgets },
      problems: [expect.stringMatching(problem)],
    });
  });

  it("clamps sizes silently, like Element", () => {
    const result = parseLayout({ widgets: { a: { container: "top", width: 1, height: 1000 } } });
    expect(result).toEqual({
      ok: true,
      layout: { widgets: { a: { container: "top", width: 10, height: 100 } } },
      problems: [],
    });
  });

  it("moves a second center and a fourth top widget to the right", () => {
    const result = parseLayout({
      widgets: {
        c1: { container: "center" },
        c2: { container: "center" },
        t1: { container: "top", index: 3 },
        t2: { container: "top", index: 0 },
        t3: { container: "top", index: 1 },
        t4: { container: "top", index: 2 },
      },
    });
    expect(result).toEqual({
      ok: true,
      layout: {
        widgets: {
          c1: { container: "center" },
          c2: { container: "right" },
          t1: { container: "right" },
          t2: { container: "top", index: 0 },
          t3: { container: "top", index: 1 },
          t4: { container: "top", index: 2 },
        },
      },
      problems: [
        expect.stringMatching(/"c2": a second center/),
        expect.stringMatching(/"t1": the top holds 3/),
      ],
    });
  });

  it("handles a huge layout without throwing", () => {
    const widgets: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) widgets[`w${i}`] = { container: "top", index: i };
    const result = parseLayout({ widgets });
    expect(
      result.ok && Object.values(result.layout.widgets).filter((w) => w.container === "top"),
    ).toHaveLength(3);
  });
});
