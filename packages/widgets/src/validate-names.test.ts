import { validatePadName, validateWidgetName } from "./validate-names";
import { expectAccepted, expectRefused, itRefusesNonStrings } from "./test-support/validation";

describe("validatePadName accepts", () => {
  it.each([
    ["minutes", "minutes"],
    ["  minutes  ", "minutes"],
    ["a", "a"],
    ["7", "7"],
    ["team-notes", "team-notes"],
    ["team_notes", "team_notes"],
    ["v1.2", "v1.2"],
    ["fifteen-chars-x", "fifteen-chars-x"],
    ["Protokoll", "Protokoll"],
    ["заметки", "заметки"],
    ["議事録", "議事録"],
    ["ملاحظات", "ملاحظات"],
    ["cafe\u0301", "café"],
    ["Ünïcödé", "Ünïcödé"],
  ])("%j", (input, expected) => expectAccepted(validatePadName(input), expected));
});

describe("validatePadName refuses", () => {
  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["\t\n", /empty/],
    ["sixteen-chars-xx", /fewer than 16 characters; "sixteen-chars-xx" has 16\./],
    ["a-name-with-17-ch", /fewer than 16 characters; "a-name-with-17-ch" has 17\./],
    ["x".repeat(5000), /fewer than 16 characters; .* has 5000\./],
    ["price$", /cannot contain "\$"/],
    ["g.abc$pad", /cannot contain "\$"/],
    ["a/b", /cannot contain "\/"/],
    ["what?", /cannot contain "\?"/],
    ["this&that", /cannot contain "&"/],
    ["#general", /cannot contain "#"/],
    ["team notes", /cannot contain spaces; use - or _/],
    ["a\u00a0b", /cannot contain spaces/],
    ["line\nbreak", /control characters/],
    ["nul\u0000", /control characters/],
    ["rtl\u202Egpj", /control characters/],
    ["100%", /cannot contain "%"/],
    ["a:b", /cannot contain ":"/],
    ["<script>", /cannot contain "<"/],
    ["emoji😀", /cannot contain "😀"/],
    [".", /must start with a letter or a digit/],
    ["..", /must start with a letter or a digit/],
    ["-rf", /must start with a letter or a digit/],
    ["_hidden", /must start with a letter or a digit/],
  ])("%j", (input, reason) => expectRefused(validatePadName(input), reason));

  it("counts characters, not UTF-16 units, against the limit", () => {
    // 𝒜 is one letter but two UTF-16 units; 15 of them still fit Etherpad's 50-unit name part.
    expect(validatePadName("𝒜".repeat(15))).toEqual({ ok: true, value: "𝒜".repeat(15) });
    expect(validatePadName("𝒜".repeat(16))).toEqual({
      ok: false,
      reason: expect.stringMatching(/has 16\./),
    });
    expect(validatePadName("議".repeat(15))).toEqual({ ok: true, value: "議".repeat(15) });
    expect(validatePadName("議".repeat(16)).ok).toBe(false);
  });

  itRefusesNonStrings(validatePadName, [null, undefined, 15]);
});

describe("validateWidgetName", () => {
  it.each([
    ["Notes", "Notes"],
    ["  Team call  ", "Team call"],
    ["Réunion d'équipe", "Réunion d'équipe"],
    ["x".repeat(64), "x".repeat(64)],
  ])("accepts %j", (input, expected) => expectAccepted(validateWidgetName(input), expected));

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["x".repeat(65), /at most 64 characters; .* has 65\./],
    ["two\nlines", /control characters/],
    ["bell\u0007", /control characters/],
    ["evil\u202Etxt.exe", /text-direction override/],
  ])("refuses %j", (input, reason) => expectRefused(validateWidgetName(input), reason));
});
