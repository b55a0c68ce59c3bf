import { parentOrigin, parseParams, screenKind, themeOf } from "./params";

describe("parseParams", () => {
  it("reads what Element puts in the iframe URL", () => {
    const q =
      "?scalar_token=tok%2B1&room_id=%21abc%3Ahs&room_name=Team%20room&theme=dark&integ_id=w1&screen=type_m.custom";
    expect(parseParams(q)).toEqual({
      scalarToken: "tok+1",
      roomId: "!abc:hs",
      roomName: "Team room",
      theme: "dark",
      screenKind: "custom",
      integId: "w1",
    });
  });

  it("treats missing and empty values as absent, and the theme as light", () => {
    expect(parseParams("?scalar_token=&room_id=!r:hs")).toEqual({
      scalarToken: null,
      roomId: "!r:hs",
      roomName: null,
      theme: "light",
      screenKind: null,
      integId: null,
    });
  });
});

describe("themeOf", () => {
  it.each([
    ["dark", "dark"],
    ["light", "light"],
    ["light-high-contrast", "light"],
    ["custom-Midnight Dark", "dark"],
    ["custom-solarized", "light"],
    [null, "light"],
  ])("%s → %s", (input, expected) => {
    expect(themeOf(input)).toBe(expected);
  });
});

describe("screenKind", () => {
  it.each([
    ["type_etherpad", "etherpad"],
    ["type_m.etherpad", "etherpad"],
    ["type_dimension-etherpad", "etherpad"],
    ["type_jitsi", "jitsi"],
    ["type_m.jitsi", "jitsi"],
    ["type_dimension-jitsi", "jitsi"],
    ["type_m.custom", "custom"],
    ["type_customwidget", "custom"],
    ["type_dimension-customwidget", "custom"],
    ["type_m.stickerpicker", null],
    ["add_integ", null],
    ["type_", null],
    [null, null],
  ])("%s → %s", (input, expected) => {
    expect(screenKind(input)).toBe(expected);
  });
});

describe("parentOrigin", () => {
  it("takes the origin of Element's page", () => {
    expect(parentOrigin("https://element.example.org/#/room/!r:hs")).toBe(
      "https://element.example.org",
    );
  });
  it.each(["", "not a url", "about:blank"])("is null for %j", (referrer) => {
    expect(parentOrigin(referrer)).toBeNull();
  });
});
