/**
 * Issue 22 item 9: a one-hour OpenID token must not become a month-long IM token that outlives
 * the account. The default lifetime is hours, and a token ends once its user shares no room
 * with the bot any more (what leaving every room, or a deactivation, looks like to Atrium).
 */
import { configSchema } from "../config/schema";
import { configInput } from "../test-support/config";
import { Store } from "./store";
import { ImTokens, LIVENESS_RECHECK_MS } from "./im-tokens";

const HOUR = 60 * 60 * 1000;
const ALICE = "@alice:example.org";
let store: Store;

beforeEach(async () => {
  store = await Store.open({ engine: "sqlite", filename: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

it("defaults to a lifetime of hours, not days", () => {
  const config = configSchema.parse(
    configInput("example.org", { integrationManager: { publicUrl: "https://im.example.org" } }),
  );
  expect(config.integrationManager?.tokenLifetimeHours).toBeLessThanOrEqual(12);
});

describe("a token whose user no longer shares a room with the bot", () => {
  it("is refused and revoked (a deactivated account has left every room)", async () => {
    const here = new Map([[ALICE, true]]);
    const checks: string[] = [];
    const tokens = new ImTokens(store.db, {
      stillHere: async (userId) => {
        checks.push(userId);
        return here.get(userId) ?? false;
      },
    });
    const now = 1_000_000;
    const token = await tokens.issue(ALICE, 8 * HOUR, now);
    expect(await tokens.userOf(token, now)).toBe(ALICE);
    // Checked at most every few minutes, not on every request.
    expect(await tokens.userOf(token, now + 1000)).toBe(ALICE);
    expect(checks).toEqual([ALICE]);

    here.set(ALICE, false);
    expect(await tokens.userOf(token, now + LIVENESS_RECHECK_MS)).toBeNull();
    expect(checks).toEqual([ALICE, ALICE]);
    // Ended for good: coming back to a room does not revive it (Element registers again).
    here.set(ALICE, true);
    expect(await tokens.userOf(token, now + 2 * LIVENESS_RECHECK_MS)).toBeNull();
    const row = await store.db.selectFrom("im_tokens").selectAll().executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
  });

  it("is kept while its user shares no room yet (they may be inviting the bot with the IM)", async () => {
    let shared = false;
    const tokens = new ImTokens(store.db, { stillHere: async () => shared });
    const token = await tokens.issue(ALICE, 8 * HOUR, 0);
    expect(await tokens.userOf(token, 1)).toBe(ALICE);
    expect(await tokens.userOf(token, LIVENESS_RECHECK_MS + 1)).toBe(ALICE);
    shared = true;
    expect(await tokens.userOf(token, 2 * LIVENESS_RECHECK_MS + 1)).toBe(ALICE);
    shared = false;
    expect(await tokens.userOf(token, 3 * LIVENESS_RECHECK_MS + 1)).toBeNull();
  });

  it("is kept when the check itself fails (the homeserver is down), and checked again soon", async () => {
    let fail = true;
    const tokens = new ImTokens(store.db, {
      stillHere: async () => {
        if (fail) throw new Error("homeserver unreachable");
        return true;
      },
    });
    const token = await tokens.issue(ALICE, HOUR, 0);
    expect(await tokens.userOf(token, 1)).toBe(ALICE);
    fail = false;
    expect(await tokens.userOf(token, 2)).toBe(ALICE);
  });
});
