import { powerContextFrom, stateLevel, userLevel } from "./power";

describe("power levels", () => {
  it.each([
    [null, "@a:x", "@a:x", 100],
    [null, "@b:x", "@a:x", 0],
    [{ users: { "@a:x": 75 } }, "@a:x", undefined, 75],
    [{ users: { "@a:x": 75 }, users_default: 10 }, "@b:x", undefined, 10],
    [{ users: "garbage" }, "@a:x", undefined, 0],
    [{ users: { "@a:x": "50" } }, "@a:x", undefined, 50],
  ])("userLevel(%j, %s) = %d", (pl, user, creator, level) => {
    expect(userLevel(pl as Record<string, unknown> | null, user, creator)).toBe(level);
  });

  it.each([
    [null, 0],
    [{}, 50],
    [{ state_default: 20 }, 20],
    [{ state_default: 20, events: { "im.vector.modular.widgets": 0 } }, 0],
    [{ events: { "im.vector.modular.widgets": 100 } }, 100],
  ])("stateLevel(%j) = %d", (pl, level) => {
    expect(stateLevel(pl as Record<string, unknown> | null)).toBe(level);
  });
});

describe("room version 12 creators", () => {
  const state = (version: string, pl: Record<string, unknown> | null, extra: string[] = []) => [
    {
      type: "m.room.create",
      state_key: "",
      sender: "@creator:x",
      content: { room_version: version, additional_creators: extra },
    },
    ...(pl ? [{ type: "m.room.power_levels", state_key: "", content: pl }] : []),
  ];

  it.each([
    ["12", "@creator:x", Number.POSITIVE_INFINITY],
    ["12", "@co:x", Number.POSITIVE_INFINITY],
    ["12", "@other:x", 0],
    ["11", "@creator:x", 0],
    ["org.matrix.hydra.11", "@creator:x", Number.POSITIVE_INFINITY],
  ])("in a v%s room, %s has level %d", (version, user, level) => {
    const ctx = powerContextFrom(state(version, { users: {} }, ["@co:x"]));
    expect(userLevel(ctx, user)).toBe(level);
  });

  it("falls back to 100 for the creator of an old room without power levels", () => {
    expect(userLevel(powerContextFrom(state("10", null)), "@creator:x")).toBe(100);
  });
});
