import { MAX_COMMAND_LENGTH, parseCommand } from "./parse";

describe("parseCommand", () => {
  it.each([
    ["hello", null],
    ["", null],
    ["!", null],
    [42, null],
    [null, null],
  ])("%p is not a command", (body, expected) => {
    expect(parseCommand(body)).toBe(expected);
  });

  it.each([
    ["!pad minutes", "pad", ["minutes"], "minutes"],
    ["  !PAD   Weekly notes ", "pad", ["Weekly", "notes"], "Weekly notes"],
    ["!etherpad x", "pad", ["x"], "x"],
    ["!meet", "meet", [], ""],
    ["!jitsi", "meet", [], ""],
    ["!conference", "meet", [], ""],
    [
      "!widget https://example.org Docs",
      "widget",
      ["https://example.org", "Docs"],
      "https://example.org Docs",
    ],
    ["!widgets", "widgets", [], ""],
    ["!remove minutes", "remove", ["minutes"], "minutes"],
    ["!pin minutes", "pin", ["minutes"], "minutes"],
    ["!unpin minutes", "unpin", ["minutes"], "minutes"],
    ["!help", "help", [], ""],
  ])("%p → %s", (body, name, args, rest) => {
    expect(parseCommand(body)).toEqual({ kind: "command", name, args, rest, force: false });
  });

  it("reads --force", () => {
    expect(parseCommand("!meet --force")).toMatchObject({ name: "meet", force: true, args: [] });
  });

  it("reports unknown words, cut short", () => {
    expect(parseCommand("!frobnicate now")).toEqual({ kind: "unknown", word: "frobnicate" });
    expect(parseCommand("!" + "x".repeat(100))).toEqual({ kind: "unknown", word: "x".repeat(32) });
  });

  it("refuses a 10,000-character command before parsing it", () => {
    const body = "!pad " + "a".repeat(10_000);
    expect(parseCommand(body)).toEqual({ kind: "too-long", length: body.length });
    expect(body.length).toBeGreaterThan(MAX_COMMAND_LENGTH);
  });
});
