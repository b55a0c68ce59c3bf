/**
 * Issue 22 item 15 against the real Synapse: rooms made by alias queries that no local user
 * joins (lookups, other servers' directory queries — Synapse's alias query names nobody, see
 * README) are removed after `aliases.unclaimedRoomTtlSeconds` (the bot frees the alias and
 * leaves), and such queries have their own, smaller cap (`aliases.strayRoomsPerHour`).
 */
import { useAtrium } from "../harness/world";
import { MatrixClient, MatrixError } from "../harness/matrix-client";

const w = useAtrium(
  {
    config: (base) => ({
      ...base,
      aliases: { strayRoomsPerHour: 2, claimWindowSeconds: 1, unclaimedRoomTtlSeconds: 2 },
    }),
  },
  async (stack) => ({
    alice: await stack.user("alice"),
    bot: new MatrixClient({
      baseUrl: stack.synapse.url,
      userId: stack.botUserId,
      accessToken: stack.registration.as_token,
      asAppservice: true,
    }),
  }),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a directory lookup (a client's, or another server's) of the alias answers. */
async function lookup(alias: string): Promise<string | number> {
  try {
    const res = await w.alice.client.request<{ room_id: string }>(
      "GET",
      `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`,
    );
    return res.room_id;
  } catch (error: unknown) {
    if (error instanceof MatrixError) return error.status;
    throw error;
  }
}

async function botRooms(): Promise<string[]> {
  return (await w.bot.request<{ joined_rooms: string[] }>("GET", "/_matrix/client/v3/joined_rooms"))
    .joined_rooms;
}

it("removes a room nobody joined once it is older than the TTL: the bot leaves, the alias is free", async () => {
  const first = await lookup("#pad_forgotten:localhost");
  expect(typeof first).toBe("string");
  expect(await botRooms()).toContain(first);
  // A room someone joined stays.
  const kept = await w.alice.client.join("#pad_kept:localhost");
  await sleep(2500);
  // The upkeep runs at start and hourly; a restart runs it now.
  await w.stack.restart();
  const deadline = Date.now() + 20_000;
  while ((await botRooms()).includes(first as string) && Date.now() < deadline) await sleep(300);
  const rooms = await botRooms();
  expect(rooms).not.toContain(first);
  expect(rooms).toContain(kept);
  expect(await lookup("#pad_kept:localhost")).toBe(kept);
  // The alias is free: asked again, it names a new room.
  const again = await lookup("#pad_forgotten:localhost");
  expect(typeof again).toBe("string");
  expect(again).not.toBe(first);
});

it("caps rooms that alias queries made without a local join at strayRoomsPerHour", async () => {
  // The previous test left one stray this hour (#pad_forgotten's new room), removed ones count too.
  const made = await lookup("#pad_probe1:localhost");
  expect(typeof made).toBe("string");
  await sleep(1500); // past the claim window: nobody local came
  expect(await lookup("#pad_probe2:localhost")).toBe(404);
  expect(await lookup("#meet_probe3:localhost")).toBe(404);
});
