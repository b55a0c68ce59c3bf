/**
 * A database that ran a later migration before an earlier one (0001, 0002, 0004 — 0003 added
 * by a branch that landed later) must still open: the missing one is applied, names are kept.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { Migrator, type MigrationProvider } from "kysely/migration";
import { migrationProvider } from "./migrations";
import { Store } from "./store";

/** Only the named migrations of the real set, as an older or differently ordered build had. */
function someMigrations(
  engine: "sqlite" | "postgres",
  names: readonly string[],
): MigrationProvider {
  return {
    async getMigrations() {
      const all = await migrationProvider(engine).getMigrations();
      return Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name)));
    },
  };
}

describe("store migrations out of order (SQLite)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "atrium-mig-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("opens a database that ran 0001, 0002 and 0004 and applies 0003", async () => {
    const filename = path.join(dir, "atrium.db");
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new SQLite(filename) }),
    });
    const partial = new Migrator({
      db,
      provider: someMigrations("sqlite", [
        "0001_initial",
        "0002_integration_manager",
        "0004_rooms_on_demand",
      ]),
    });
    const first = await partial.migrateToLatest();
    expect(first.error).toBeUndefined();
    await db.destroy();

    const store = await Store.open({ engine: "sqlite", filename });
    try {
      const applied = await new Migrator({
        db: store.db,
        provider: migrationProvider("sqlite"),
      }).getMigrations();
      expect(applied.filter((m) => !m.executedAt).map((m) => m.name)).toEqual([]);
      // 0003's tables exist now.
      await expect(store.db.selectFrom("feeds").selectAll().execute()).resolves.toEqual([]);
    } finally {
      await store.close();
    }
  });
});
