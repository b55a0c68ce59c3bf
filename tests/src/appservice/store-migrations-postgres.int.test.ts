/**
 * Issue 22 item 10 on PostgreSQL: a database that ran migrations 0001, 0002 and 0004 (a later
 * one landed first) opens, and the missing 0003 is applied under its own name.
 */
import { Client } from "pg";
import { Store } from "@atrium/appservice/dist/store/store";
import { createDatabase, dropDatabase, localPostgres } from "../harness/postgres";

const server = localPostgres();
let database: string;
let url: string;

beforeAll(async () => {
  database = await createDatabase(server, "migrations");
  url = `postgres://${server.user}@${server.host}:${server.port}/${database}`;
});

afterAll(async () => {
  if (database) await dropDatabase(server, database);
});

async function withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

it("opens a PostgreSQL database that ran 0001, 0002 and 0004, applying 0003", async () => {
  // Every migration, then 0003 taken back out: the state of a database whose build had
  // 0001, 0002 and 0004 (0003 landed later under an earlier number).
  await (await Store.open({ engine: "postgres", connectionString: url })).close();
  await withClient(async (c) => {
    await c.query(
      "DROP TABLE feed_outbox, feed_seen, feed_subscriptions, feeds; DELETE FROM kysely_migration WHERE name = '0003_feeds'",
    );
    const names = await c.query<{ name: string }>(
      "SELECT name FROM kysely_migration ORDER BY name",
    );
    const ran = names.rows.map((r) => r.name);
    expect(ran).toEqual(
      expect.arrayContaining(["0001_initial", "0002_integration_manager", "0004_rooms_on_demand"]),
    );
    expect(ran).not.toContain("0003_feeds");
  });

  const store = await Store.open({ engine: "postgres", connectionString: url });
  try {
    await expect(store.db.selectFrom("feeds").selectAll().execute()).resolves.toEqual([]);
  } finally {
    await store.close();
  }
  const names = await withClient((c) =>
    c.query<{ name: string }>("SELECT name FROM kysely_migration ORDER BY name"),
  );
  expect(names.rows.map((r) => r.name)).toEqual(
    expect.arrayContaining([
      "0001_initial",
      "0002_integration_manager",
      "0003_feeds",
      "0004_rooms_on_demand",
    ]),
  );
});
