/**
 * A feed entry resent long after a crash in an encrypted room: the homeserver no longer knows
 * the first send's transaction id, and the entry's body is ciphertext in the room's history, so
 * the bot reads its own message with its own keys to see that it was already posted.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Store } from "@atrium/appservice/dist/store/store";
import { rss, startFeedServer } from "../feeds/feed-server";
import { useEncryptedRoom } from "./fixtures";

const w = useEncryptedRoom({
  before: async (scope) => {
    const server = await startFeedServer();
    scope.onStop(() => server.close());
    return { server };
  },
  atrium: ({ server }) => ({
    config: (base) => ({
      ...base,
      feeds: { intervalSeconds: 1, minIntervalSeconds: 1, allowList: [`127.0.0.1:${server.port}`] },
    }),
  }),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open({
    engine: "sqlite",
    filename: path.join(w.stack.dataDir, "atrium.db"),
  });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

async function outboxOf(text: string) {
  return withStore((store) =>
    store.db
      .selectFrom("feed_outbox")
      .select(["id", "state", "item_key"])
      .where("plain", "like", `%${text}%`)
      .execute(),
  );
}

it("does not post an entry twice when it is resent after the homeserver forgot the first send", async () => {
  w.server.set("/resend.xml", {
    body: rss("Resend", [
      { guid: "r1", title: "Sent once only", link: "https://example.org/r1", date: new Date() },
    ]),
  });
  await w.alice.send(w.roomId, `!feed add ${w.server.url("/resend.xml")} resend`);
  const first = await w.alice.waitForMessage(w.roomId, w.fromBot(/Sent once only/), 20_000);
  expect(first).toMatchObject({ encrypted: true, failed: false });

  // A crash right after the homeserver accepted the entry, before it was marked sent, and a
  // restart more than 20 minutes later: the row is pending again and old, and the homeserver's
  // memory of the transaction is gone (a new transaction id stands for that here).
  await w.stack.stopAppservice({ crash: true });
  const [row] = await outboxOf("Sent once only");
  expect(row).toMatchObject({ state: "sent" });
  await withStore((store) =>
    store.db
      .updateTable("feed_outbox")
      .set({
        state: "pending",
        sent_at: null,
        attempts: 1,
        created_at: Date.now() - 21 * 60 * 1000,
        next_attempt_at: Date.now(),
        item_key: `${row!.item_key}#forgotten`,
      })
      .where("id", "=", row!.id)
      .execute(),
  );
  await w.stack.restart();

  const end = Date.now() + 30_000;
  while ((await outboxOf("Sent once only")).some((r) => r.state === "pending")) {
    if (Date.now() > end) throw new Error("the resent entry stayed pending");
    await sleep(300);
  }
  await sleep(2000);
  const copies = w.alice.messages(w.roomId).filter(w.fromBot(/Sent once only/));
  expect(copies).toHaveLength(1);
  expect(copies[0]).toMatchObject({ eventId: first.eventId, encrypted: true, failed: false });
});

it("keeps a consistent copy of its crypto store beside it, which the backup archives", async () => {
  const copy = path.join(w.stack.dataDir, "e2ee", "crypto.sqlite.snapshot");
  // Written at start and renewed while running; a whole SQLite database, not a WAL fragment.
  expect(readFileSync(copy).subarray(0, 16).toString("latin1")).toBe("SQLite format 3\u0000");
});
