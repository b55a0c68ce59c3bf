/**
 * Issue 22 item 17 — login CSRF through own-tab ticket links: a ticket link someone else asked
 * for must not silently replace the session a browser holds. A browser that holds a session of
 * another person is shown who the link opens the pad as, and asked (a POST) before anything
 * changes; a browser that holds nothing, or only the ticket owner's sessions, opens at once.
 */
import express from "express";
import type { PadSessionTable } from "../../store/schema";
import { serve, type Served } from "../../test-support/serve";
import { registerRoutes } from "./routes";
import { TicketBook } from "./pad-tickets";
import { fakeOpenId, fakeWebDeps, noRevocations, pagesConfig, ROOM } from "./test-support/fakes";

const VICTIM = "@victim:example.org";
const MALLORY = "@mallory:example.org";
let served: Served;
let tickets: TicketBook;
/** Sessions Atrium recorded (what `pad_sessions` holds), by id. */
let recorded: PadSessionTable[];

function sessionOf(id: string, userId: string): PadSessionTable {
  return {
    session_id: id,
    room_id: ROOM,
    user_id: userId,
    group_id: "g.abcdefghijklmnop",
    valid_until: Date.now() + 600_000,
    created_at: Date.now(),
  };
}

beforeAll(async () => {
  tickets = new TicketBook();
  recorded = [sessionOf("s.victim1", VICTIM), sessionOf("s.mallory1", MALLORY)];
  const { deps } = fakeWebDeps(pagesConfig(), { members: { [VICTIM]: "join", [MALLORY]: "join" } });
  const app = express();
  app.use(express.json());
  registerRoutes(app, deps, {
    openid: fakeOpenId(),
    tickets,
    revocations: noRevocations,
    padSessions: {
      padSessionsById: async (ids) => recorded.filter((r) => ids.includes(r.session_id)),
    },
  });
  served = await serve(app);
});

afterAll(() => served.close());

function ticketOf(userId: string): string {
  return tickets.issue({ kind: "pad", roomId: ROOM, widgetId: "w1", userId }).ticket;
}

const open = (ticket: string, cookie?: string) =>
  fetch(`${served.base}/atrium/pad/open?ticket=${ticket}`, {
    redirect: "manual",
    headers: cookie ? { Cookie: cookie } : {},
  });

describe("own-tab ticket links (issue 22 item 17)", () => {
  it("do not replace the session of someone else: the browser is asked first, nothing is set", async () => {
    const res = await open(ticketOf(MALLORY), "sessionID=s.victim1");
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    const html = await res.text();
    expect(html).toContain(MALLORY);
    expect(html).toContain(VICTIM);
    expect(html).toMatch(/<form method="post" action="open">/);
    expect(res.headers.get("content-security-policy")).toContain("form-action 'self'");
  });

  it("open the pad after the person confirms with a POST (the ticket was not used by the question)", async () => {
    const ticket = ticketOf(MALLORY);
    await open(ticket, "sessionID=s.victim1");
    const res = await fetch(`${served.base}/atrium/pad/open`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: "sessionID=s.victim1",
        Origin: "http://localhost:9001",
      },
      body: new URLSearchParams({ ticket }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^sessionID=s\.session\d+%2Cs\.victim1;/);
  });

  it("refuse a confirmation posted from another site", async () => {
    const ticket = ticketOf(MALLORY);
    const res = await fetch(`${served.base}/atrium/pad/open`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
      },
      body: new URLSearchParams({ ticket }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it.each([
    ["no session at all", undefined],
    ["only the ticket owner's own session", "sessionID=s.mallory1"],
  ])("open at once for a browser with %s", async (_name, cookie) => {
    const res = await open(ticketOf(MALLORY), cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^sessionID=s\./);
  });
});
