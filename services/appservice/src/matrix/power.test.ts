import { stateLevel, userLevel } from "./power";

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
