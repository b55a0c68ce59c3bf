/**
 * better-sqlite3 with its prepared statements kept. Kysely's SQLite driver asks the database to
 * `prepare` every query it runs; Atrium runs the same few dozen queries over and over, and under
 * load preparing them was the appservice's largest CPU cost (a `--cpu-prof` of `pnpm bench`).
 * A statement is a compiled query with no state between calls (Atrium never streams results),
 * so one per distinct SQL text is reused; the least recently used are dropped past `max`.
 */
import type SQLite from "better-sqlite3";
import type { SqliteDatabase } from "kysely";
import { LRUCache } from "lru-cache";

export function withStatementCache(db: SQLite.Database, max = 500): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max });
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
