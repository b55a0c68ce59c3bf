/**
 * Production runs the appservice on PostgreSQL: the same commands end to end with the store
 * in a real PostgreSQL database (127.0.0.1:5432), and the store kept across a restart.
 */
import { createDatabase, dropDatabase, localPostgres } from "../harness/postgres";
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { command, roomWithBot, widgetsIn } from "./fixtures";

const server = localPostgres();
let database: string;
let stack: AtriumStack;
let alice: TestUser;

beforeAll(async () => {
  database = await createDatabase(server, "store");
  const url = `postgres://${server.user}@${server.host}:${server.port}/${database}`;
  stack = await startAtrium({ postgresUrl: url });
  alice = await stack.user("alice");
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (database) await dropDatabase(server, database);
});

it("creates a pad with its store in PostgreSQL and keeps it across a restart", async () => {
  const roomId = await roomWithBot(stack, alice);
  const reply = await command(stack, alice, roomId, "!pad pgnotes");
  expect(reply.content.body).toMatch(/Added the pad "pgnotes"/);
  expect((await widgetsIn(alice, roomId)).size).toBe(1);
  await stack.restart();
  const list = await command(stack, alice, roomId, "!widgets");
  expect(list.content.body).toMatch(/pgnotes \(pad\)/);
});
