/** The preview bounds (issue 22 items 3 and 5): a rate per person and room, a server-wide cap. */
import { PreviewGate, type Admission } from "./preview-gate";

const granted = (a: Admission) => {
  if (!a.ok) throw new Error(`refused: ${a.reason}`);
  return a;
};

it("allows a burst per person and room, then says when to try again", async () => {
  let now = 0;
  const gate = new PreviewGate({ perUserPerMinute: 3, concurrency: 10, queue: 0 }, () => now);
  for (let i = 0; i < 3; i++) granted(await gate.admit("@a:x", "!r:x")).release();
  const refused = await gate.admit("@a:x", "!r:x");
  expect(refused).toEqual({ ok: false, reason: "rate", retryAfterMs: 20_000 });
  // Another room, another person: their own buckets.
  granted(await gate.admit("@a:x", "!other:x")).release();
  granted(await gate.admit("@b:x", "!r:x")).release();
  now += 20_000;
  granted(await gate.admit("@a:x", "!r:x")).release();
  expect((await gate.admit("@a:x", "!r:x")).ok).toBe(false);
});

it("runs at most `concurrency` at once; the next waits its turn, more are refused as busy", async () => {
  const gate = new PreviewGate({ perUserPerMinute: 100, concurrency: 2, queue: 1 });
  const first = granted(await gate.admit("@a:x", "!r:x"));
  const second = granted(await gate.admit("@b:x", "!r:x"));
  let thirdIn = false;
  const third = gate.admit("@c:x", "!r:x").then((a) => {
    thirdIn = true;
    return granted(a);
  });
  expect(await gate.admit("@d:x", "!r:x")).toMatchObject({ ok: false, reason: "busy" });
  await Promise.resolve();
  expect(thirdIn).toBe(false);
  first.release();
  first.release(); // twice is once
  (await third).release();
  expect(thirdIn).toBe(true);
  second.release();
  // Both places free again: two run at once, without waiting.
  const again = await Promise.all(["@e:x", "@f:x"].map((u) => gate.admit(u, "!r:x")));
  expect(again.every((a) => a.ok)).toBe(true);
});
