import { base32Unpadded, jitsiConferenceId, newWidgetId } from "./ids";
import { WidgetInputError } from "./result";

describe("base32Unpadded (RFC 4648 section 10 vectors, padding removed)", () => {
  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("%j -> %j", (input, expected) => {
    expect(base32Unpadded(input)).toBe(expected);
  });
});

describe("jitsiConferenceId", () => {
  it.each([
    // Worked out by hand from the bytes of "!a:b" (21 61 3A 62): 00100 00101 10000 10011 10100 11000 10(000)
    ["!a:b", "EFQTUYQ"],
    // "!foobar" = 21 66 6F 6F 62 61 72 -> 4 5 19 6 30 27 27 2 12 5 25 0
    ["!foobar", "EFTG633CMFZA"],
  ])("%s -> %s", (roomId, expected) => {
    expect(jitsiConferenceId(roomId)).toBe(expected);
  });

  it("encodes the UTF-8 bytes of a full room id without padding", () => {
    const roomId = "!OGEhHVWSdvArJzumhm:matrix.org";
    const id = jitsiConferenceId(roomId);
    expect(id).toMatch(/^[A-Z2-7]+$/);
    expect(id).toHaveLength(Math.ceil((Buffer.byteLength(roomId) * 8) / 5));
    expect(id.startsWith("EFHU")).toBe(true); // "!O" = 0x21 0x4F
  });

  it.each([[""], ["#alias:example.org"], ["@user:example.org"], ["! space:x"], [null]])(
    "refuses %p",
    (roomId) => {
      expect(() => jitsiConferenceId(roomId as unknown as string)).toThrow(WidgetInputError);
    },
  );
});

describe("newWidgetId", () => {
  it.each(["pad", "jitsi", "custom"] as const)("makes URL-safe unique %s ids", (kind) => {
    const ids = new Set(Array.from({ length: 200 }, () => newWidgetId(kind)));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(new RegExp(`^atrium_${kind}_[a-z2-7]{16}$`));
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it("refuses an unknown kind", () => {
    expect(() => newWidgetId("video" as never)).toThrow(/unknown kind "video"/);
  });
});
