import { Store } from "./store";
import { ImTokens, hashToken } from "./im-tokens";

let store: Store;
let tokens: ImTokens;
const HOUR = 60 * 60 * 1000;

beforeEach(async () => {
  store = await Store.open({ engine: "sqlite", filename: ":memory:" });
  tokens = new ImTokens(store.db);
});

afterEach(async () => {
  await store.close();
});

describe("integration manager tokens", () => {
  it("issues opaque tokens that name their user until they expire", async () => {
    const now = 1_000_000;
    const token = await tokens.issue("@alice:example.org", HOUR, now);
    expect(token).toMatch(/^atr_[A-Za-z0-9_-]{43}$/);
    expect(await tokens.issue("@alice:example.org", HOUR, now)).not.toBe(token);
    expect(await tokens.userOf(token, now + HOUR - 1)).toBe("@alice:example.org");
    expect(await tokens.userOf(token, now + HOUR)).toBeNull();
    expect(await tokens.userOf(`${token}x`, now)).toBeNull();
  });

  it("keeps only a hash of each token", async () => {
    const token = await tokens.issue("@alice:example.org", HOUR);
    const rows = await store.db.selectFrom("im_tokens").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("revokes a token once (logout)", async () => {
    const token = await tokens.issue("@alice:example.org", HOUR);
    expect(await tokens.revoke(token)).toBe(true);
    expect(await tokens.userOf(token)).toBeNull();
    expect(await tokens.revoke(token)).toBe(false);
  });

  it("prunes tokens long expired or revoked, keeping live ones", async () => {
    const now = 10 * HOUR;
    const live = await tokens.issue("@live:example.org", HOUR, now);
    const expired = await tokens.issue("@old:example.org", HOUR, now - 5 * HOUR);
    const revoked = await tokens.issue("@gone:example.org", 10 * HOUR, now - 3 * HOUR);
    await tokens.revoke(revoked, now - 3 * HOUR);
    await tokens.prune(2 * HOUR, now);
    const left = await store.db.selectFrom("im_tokens").select("token_hash").execute();
    expect(left.map((r) => r.token_hash)).toEqual([hashToken(live)]);
    expect(expired).not.toBe(live);
  });

  it("records accepted terms once per policy URL", async () => {
    await tokens.acceptTerms("@alice:example.org", ["https://x.org/tos", "https://x.org/tos"]);
    await tokens.acceptTerms("@alice:example.org", ["https://x.org/tos"]);
    expect(await tokens.acceptedTerms("@alice:example.org")).toEqual(
      new Set(["https://x.org/tos"]),
    );
    expect(await tokens.acceptedTerms("@bob:example.org")).toEqual(new Set());
  });
});
