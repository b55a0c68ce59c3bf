/**
 * Sign-in with Matrix and the room's workspace link, over HTTP against the real Synapse
 * (issue 21): the same answer for every Matrix ID (content and timing), no DM to strangers,
 * rate limits per target and per address, login CSRF refused, bad input answered clearly; and
 * the one pinned workspace message, edited in place when the widgets change.
 */
import { startAtrium, type AtriumStack, type TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";
import { clientFor, registerUser } from "../harness/users";
import { command, roomWithBot } from "../appservice/fixtures";
import { askToSignIn, pendingInvites, readSignInDm, workspaceLinkIn } from "./workspace-fixtures";

let stack: AtriumStack;
let owner: TestUser;
let member: TestUser;
let stranger: TestUser;
let roomId: string;
let origin: string;
let address = 0;
/** A fresh client address per request group (the per-address limit is its own test). */
const nextAddress = () => `10.9.${Math.floor(++address / 250)}.${address % 250}`;

beforeAll(async () => {
  stack = await startAtrium({
    config: (c) => ({
      ...c,
      encryption: { enabled: false },
      workspacePage: { signInLimits: { perTarget: 3, perAddress: 4, total: 1000 } },
    }),
  });
  origin = new URL(stack.config.web.publicUrl).origin;
  [owner, member, stranger] = [
    await stack.user("owner"),
    await stack.user("member"),
    await stack.user("stranger"),
  ];
  roomId = await roomWithBot(stack, owner, { name: "Board" });
  await member.client.join(roomId);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** A new user who is a member of the room (so the bot may DM them). */
async function newMember(name: string): Promise<TestUser> {
  const who = await stack.user(name);
  await who.client.join(roomId);
  return who;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.webUrl}/atrium/workspace${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: origin, ...headers },
    body: JSON.stringify(body),
  });

/** Signs `who` in through the DM's link; returns the session cookie (`name=value`). */
async function signedInCookie(who: TestUser): Promise<string> {
  await askToSignIn(stack, who.user.userId, { address: nextAddress() });
  const dm = await readSignInDm(stack, who);
  const res = await post("/sign-in/link", { token: new URL(dm.link).hash.slice(1) });
  expect(res.status).toBe(200);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe("asking for a code", () => {
  it("answers the same, in content and timing, whoever the ID is", async () => {
    const ids = {
      member: member.user.userId,
      stranger: stranger.user.userId,
      unknown: "@nobody-here:localhost",
      otherServer: "@alice:elsewhere.example",
    };
    const answers: Record<string, { status: number; body: string; ms: number[] }> = {};
    for (let round = 0; round < 3; round++) {
      for (const [name, id] of Object.entries(ids)) {
        const a = await askToSignIn(stack, id, { address: nextAddress() });
        const entry = (answers[name] ??= { status: a.status, body: "", ms: [] });
        entry.body = JSON.stringify(a.body).replace(id, "<id>");
        entry.ms.push(a.ms);
        expect(a.status).toBe(202);
        expect(a.cookie).toMatch(
          /^atrium_sign_in=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/atrium\/workspace; HttpOnly; SameSite=Strict$/,
        );
      }
    }
    const bodies = new Set(Object.values(answers).map((a) => a.body));
    expect(bodies.size).toBe(1);
    const medians = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, median(v.ms)]));
    console.log(`sign-in answer medians (ms): ${JSON.stringify(medians)}`);
    const spread = Math.max(...Object.values(medians)) - Math.min(...Object.values(medians));
    expect(spread).toBeLessThan(50);
    // The member got the DM; the stranger (no room shared with the bot) got nothing.
    await readSignInDm(stack, member);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await pendingInvites(stranger)).toEqual([]);
  });

  it.each([
    ["no @", "alice:localhost"],
    ["no server", "@alice"],
    ["a space", "@al ice:localhost"],
    ["not a string", 42],
  ])(
    "refuses a malformed Matrix ID (%s) with a clear 400 and stores nothing",
    async (_n, userId) => {
      const res = await fetch(`${stack.webUrl}/atrium/workspace/sign-in`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Origin: origin,
          "X-Forwarded-For": nextAddress(),
        },
        body: JSON.stringify({ userId }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(((await res.json()) as { error: string }).error).toContain(
        "look like @alice:example.org",
      );
    },
  );

  it("limits requests per Matrix ID, whoever asks, and per address, whatever the ID", async () => {
    const target = "@limited:localhost";
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await askToSignIn(stack, target, { address: nextAddress() })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const refused = await askToSignIn(stack, target, { address: nextAddress() });
    expect(refused.body).toMatchObject({ errcode: "M_LIMIT_EXCEEDED" });
    expect(String(refused.body.error)).toContain(`for ${target}`);
    const from = nextAddress();
    const byAddress = [];
    for (let i = 0; i < 5; i++)
      byAddress.push(
        (await askToSignIn(stack, `@someone${i}:localhost`, { address: from })).status,
      );
    expect(byAddress).toEqual([202, 202, 202, 202, 429]);
  });
});

describe("login CSRF", () => {
  it("a link opened elsewhere signs in nobody until the POST that confirms it", async () => {
    const phoneUser = await newMember("phone");
    const asked = await askToSignIn(stack, phoneUser.user.userId, { address: nextAddress() });
    expect(asked.status).toBe(202);
    const dm = await readSignInDm(stack, phoneUser);
    const token = new URL(dm.link).hash.slice(1);
    // The page itself (a GET) sets nothing: the token never reaches the server in a URL.
    const page = await fetch(dm.link.split("#")[0] ?? "");
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    // From another site: refused, even with the token.
    const forged = await post("/sign-in/link", { token }, { Origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
    // A form post (not JSON) cannot do it either.
    const form = await fetch(`${stack.webUrl}/atrium/workspace/sign-in/link`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `token=${token}`,
    });
    expect(form.status).toBe(415);
    // The peek says who; the confirmation signs in, once.
    expect(await (await post("/sign-in/link/peek", { token })).json()).toMatchObject({
      userId: phoneUser.user.userId,
    });
    const confirmed = await post("/sign-in/link", { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get("set-cookie")).toMatch(
      /^atrium_workspace=[A-Za-z0-9_-]{43}; .*HttpOnly; SameSite=Lax$/,
    );
    expect((await post("/sign-in/link", { token })).status).toBe(404);
  });

  it("a browser signed in as someone else is asked before its session changes", async () => {
    // The victim is signed in; the attacker's own link is opened in the victim's browser.
    const [victim, attacker] = [await newMember("victim"), await newMember("attacker")];
    const cookie = await signedInCookie(victim);
    await askToSignIn(stack, attacker.user.userId, { address: nextAddress() });
    const attackerDm = await readSignInDm(stack, attacker);
    const token = new URL(attackerDm.link).hash.slice(1);
    const peek = await post("/sign-in/link/peek", { token }, { Cookie: cookie });
    expect(await peek.json()).toMatchObject({
      userId: attacker.user.userId,
      signedInAs: victim.user.userId,
    });
    const silent = await fetch(`${stack.webUrl}/atrium/workspace/sign-in/link`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: origin, Cookie: cookie },
      body: JSON.stringify({ token, replace: false }),
    });
    expect(silent.status).toBe(409);
    expect(silent.headers.get("set-cookie")).toBeNull();
    const me = await fetch(`${stack.webUrl}/atrium/workspace/me`, { headers: { Cookie: cookie } });
    expect(await me.json()).toEqual({ userId: victim.user.userId });
  });

  it("a code works only in the browser that asked, and dies after five wrong tries", async () => {
    const laptopUser = await newMember("laptop");
    const asked = await askToSignIn(stack, laptopUser.user.userId, { address: nextAddress() });
    const requestCookie = (asked.cookie ?? "").split(";")[0] ?? "";
    const dm = await readSignInDm(stack, laptopUser);
    // Another browser (no request cookie) gets nothing for the right code.
    expect((await post("/sign-in/code", { code: dm.code })).status).toBe(400);
    const tries = [];
    for (let i = 0; i < 5; i++) {
      const r = await post("/sign-in/code", { code: "2222-2222" }, { Cookie: requestCookie });
      tries.push([r.status, ((await r.json()) as { error: string }).error]);
    }
    expect(tries[0]).toEqual([403, "That code is not right. 4 tries left."]);
    expect(tries[4]?.[1]).toContain("this sign-in request is closed");
    const late = await post("/sign-in/code", { code: dm.code }, { Cookie: requestCookie });
    expect(late.status).toBe(400);
    expect(late.headers.get("set-cookie")).toBeNull();
  });
});

describe("sessions", () => {
  it("end when the account is deactivated (it leaves every room it shared with the bot)", async () => {
    const leaving = await newMember("leaving");
    const cookie = await signedInCookie(leaving);
    const me = async () =>
      (
        (await (
          await fetch(`${stack.webUrl}/atrium/workspace/me`, { headers: { Cookie: cookie } })
        ).json()) as { userId: string | null }
      ).userId;
    expect(await me()).toBe(leaving.user.userId);
    const admin = await registerUser(stack.synapse, {
      username: `admin${Date.now().toString(36)}`,
      admin: true,
    });
    await clientFor(stack.synapse.url, admin).request(
      "POST",
      `/_synapse/admin/v1/deactivate/${encodeURIComponent(leaving.user.userId)}`,
      {},
    );
    await waitFor("the deactivated person's session to end", async () =>
      (await me()) === null ? true : undefined,
    );
  });
});

describe("the room learns the link", () => {
  it("pins one workspace message and edits it (m.replace) when the widgets change", async () => {
    const reply = await command(stack, owner, roomId, "!pad minutes");
    expect(workspaceLinkIn(reply.content.body)).toContain("?w=");
    expect(String(reply.content.formatted_body)).toContain('<a href="http');
    const pinned = await owner.client.waitForState<{ pinned: string[] }>(
      roomId,
      "m.room.pinned_events",
      "",
      (c) => c.pinned.length === 1,
    );
    const messageId = pinned.pinned[0] ?? "";
    await command(stack, owner, roomId, "!widget https://example.org/board Board");
    const edit = await waitFor("the workspace message's edit", async () =>
      (await owner.client.messages(roomId)).find(
        (e) =>
          (e.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined)
            ?.event_id === messageId && String(e.content.body).includes("Board"),
      ),
    );
    expect((edit.content["m.new_content"] as { body: string }).body).toContain("minutes");
    const list = await command(stack, owner, roomId, "!widgets");
    expect(String(list.content.body)).toContain("/atrium/room/");
    const workspaceMessages = (await owner.client.messages(roomId)).filter(
      (e) =>
        e.sender === stack.botUserId && String(e.content.body).startsWith("This room's workspace"),
    );
    expect(workspaceMessages).toHaveLength(1);
    expect(
      (await owner.client.getState<{ pinned: string[] }>(roomId, "m.room.pinned_events"))?.pinned,
    ).toEqual([messageId]);
  });

  it("says what to grant when the bot may not pin", async () => {
    const room = await roomWithBot(stack, owner, { name: "Locked" });
    const pl = (await owner.client.getState(room, "m.room.power_levels")) ?? {};
    await owner.client.sendState(room, "m.room.power_levels", "", {
      ...pl,
      events: { ...(pl.events as object), "m.room.pinned_events": 100 },
    });
    await command(stack, owner, room, "!pad notes");
    await owner.client.waitForMessage(room, (e) =>
      /I need power level 100 \(I have 50\)/.test(String(e.content.body)),
    );
    expect(await owner.client.getState(room, "m.room.pinned_events")).toBeNull();
  });

  it("gives unknown and malformed rooms the same clear answer as rooms one is not in", async () => {
    const view = (room: string, cookie = "") =>
      fetch(`${stack.webUrl}/atrium/workspace/rooms/${encodeURIComponent(room)}`, {
        headers: cookie ? { Cookie: cookie } : {},
      });
    // Signed out: the same 401 for every room, known or not.
    expect((await view(roomId)).status).toBe(401);
    expect((await view("!unknown:localhost")).status).toBe(401);
    const cookie = await signedInCookie(await newMember("visitor"));
    const notIn = await roomWithBot(stack, owner, { name: "Private" });
    const [a, b] = [await view(notIn, cookie), await view("!unknown:localhost", cookie)];
    expect([a.status, b.status]).toEqual([403, 403]);
    expect(await a.json()).toEqual(await b.json());
    const bad = await view("not-a-room", cookie);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain("not a room id");
  });
});
