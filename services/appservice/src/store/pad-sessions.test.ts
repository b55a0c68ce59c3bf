import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Store } from "./store";

it("prunes pad session rows that expired before the cut-off, and only those", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "atrium-sessions-"));
  const store = await Store.open({ engine: "sqlite", filename: path.join(dir, "atrium.db") });
  const row = (id: string, validUntil: number) => ({
    session_id: id,
    room_id: "!r:x",
    user_id: "@a:x",
    group_id: "g.x",
    valid_until: validUntil,
    created_at: 0,
  });
  await store.savePadSession(row("s.old", 1_000));
  await store.savePadSession(row("s.live", 5_000));
  expect(await store.prunePadSessions(2_000)).toBe(1);
  expect((await store.padSessionsOf("!r:x", "@a:x")).map((s) => s.session_id)).toEqual(["s.live"]);
  expect(await store.padSessionUsers("!r:x")).toEqual(["@a:x"]);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
