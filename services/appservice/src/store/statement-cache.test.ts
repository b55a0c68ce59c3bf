import SQLite from "better-sqlite3";
import { withStatementCache } from "./statement-cache";

describe("withStatementCache", () => {
  it("prepares each SQL text once and gives the same statement back", () => {
    const file = new SQLite(":memory:");
    file.exec("create table t (n integer)");
    const prepare = jest.spyOn(file, "prepare");
    const db = withStatementCache(file, 2);
    expect(db.prepare("select 1 as one").all([])).toEqual([{ one: 1 }]);
    const insert = db.prepare("insert into t values (?)");
    for (let n = 0; n < 5; n++) db.prepare("insert into t values (?)").run([n]);
    expect(db.prepare("insert into t values (?)")).toBe(insert);
    expect(db.prepare("select sum(n) as s from t").all([])).toEqual([{ s: 10 }]);
    // Three distinct texts with room for two: the oldest is prepared again when asked for.
    db.prepare("select 1 as one");
    expect(prepare.mock.calls.map(([sql]) => sql)).toEqual([
      "select 1 as one",
      "insert into t values (?)",
      "select sum(n) as s from t",
      "select 1 as one",
    ]);
    db.close();
  });
});
