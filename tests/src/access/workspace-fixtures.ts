/**
 * Steps of the workspace page tests: reading the bot's sign-in DM as the person would (their
 * own client against the real Synapse: the invite, the join, the message), and asking for a
 * code the way the page does.
 */
import type { AtriumStack, TestUser } from "../harness/atrium";
import { waitFor } from "../harness/wait";

export interface SignInDm {
  roomId: string;
  eventId: string;
  /** The code as the message shows it (ABCD-EFGH). */
  code: string;
  /** The link of the message (the token is in its fragment). */
  link: string;
  content: Record<string, unknown>;
}

interface SyncAnswer {
  rooms?: {
    invite?: Record<string, { invite_state?: { events?: Array<Record<string, unknown>> } }>;
    join?: Record<string, unknown>;
  };
}

/** Each user's sync position: Synapse caches a sync answer per position for minutes. */
const sinceOf = new Map<string, string>();

/**
 * Rooms `who` was invited to since the last call (an incremental /sync from where the last one
 * ended, so Synapse's cache of identical sync requests never hides a new invite).
 */
export async function pendingInvites(who: TestUser): Promise<string[]> {
  const since = sinceOf.get(who.user.userId);
  const sync = await who.client.request<SyncAnswer & { next_batch?: string }>(
    "GET",
    `/_matrix/client/v3/sync?timeout=0${since ? `&since=${encodeURIComponent(since)}` : ""}`,
  );
  if (sync.next_batch) sinceOf.set(who.user.userId, sync.next_batch);
  return Object.keys(sync.rooms?.invite ?? {});
}

/**
 * Waits for a sign-in DM from the bot that `who` has not seen (not in `seen`): joins the DM
 * room if invited, then reads the newest message with a code.
 */
export async function readSignInDm(
  stack: AtriumStack,
  who: TestUser,
  seen: ReadonlySet<string> = new Set(),
  knownRoom?: string,
): Promise<SignInDm> {
  let last = "";
  return waitFor(
    `a sign-in DM for ${who.user.userId}`,
    async () => {
      const rooms = knownRoom ? [knownRoom] : [];
      last = `invites: none`;
      for (const invited of await pendingInvites(who)) {
        await who.client.join(invited);
        rooms.push(invited);
      }
      last = `rooms looked at: ${JSON.stringify(rooms)}`;
      for (const roomId of rooms) {
        const events = await who.client.messages(roomId);
        const dm = events.find(
          (e) =>
            e.sender === stack.botUserId &&
            !seen.has(e.event_id) &&
            /Code: [A-Z0-9]{4}-[A-Z0-9]{4}/.test(String(e.content.body)),
        );
        if (!dm) continue;
        const body = String(dm.content.body);
        return {
          roomId,
          eventId: dm.event_id,
          code: /Code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(body)?.[1] ?? "",
          link: /(https?:\/\/\S+\/atrium\/room\/sign-in#[A-Za-z0-9_-]+)/.exec(body)?.[1] ?? "",
          content: dm.content,
        };
      }
      return undefined;
    },
    { timeoutMs: 30_000, describeLast: () => last },
  );
}

/** Asks for a code as the page does (JSON, same origin); returns status, body and cookie. */
export async function askToSignIn(
  stack: AtriumStack,
  userId: string,
  opts: { address?: string; origin?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; cookie: string | null; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${stack.webUrl}/atrium/workspace/sign-in`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Origin: opts.origin ?? new URL(stack.config.web.publicUrl).origin,
      ...(opts.address ? { "X-Forwarded-For": opts.address } : {}),
    },
    body: JSON.stringify({ userId }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    body,
    cookie: res.headers.get("set-cookie"),
    ms: performance.now() - started,
  };
}

/** The first workspace link (`…/atrium/room/…`) in a message body. */
export function workspaceLinkIn(body: unknown): string {
  const link =
    /(https?:\/\/\S+\/atrium\/room\/![^\s]*|https?:\/\/\S+\/atrium\/room\/%21[^\s]*)/.exec(
      String(body),
    )?.[1];
  if (!link) throw new Error(`no workspace link in ${JSON.stringify(body)}`);
  return link.replace(/[).,]+$/, "");
}
