/** Shared steps of the access tests: a room with a pad widget, asking the appservice for a session. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { createEtherpadClient } from "@atrium/etherpad";
import type { AtriumStack, TestUser } from "../harness/atrium";
import { command, roomWithBot, widgetsIn } from "../appservice/fixtures";

export interface PadRoom {
  roomId: string;
  widgetId: string;
  padId: string;
  /** The widget URL as a client would load it (templated, plus Element's `widgetId`). */
  widgetUrl: string;
  /** The widget's URL template as the state event holds it (`$matrix_room_id`, …). */
  templateUrl: string;
}

/** A room owned by `owner` with the bot and a pad called `name` (made with `!pad`). */
export async function padRoom(
  stack: AtriumStack,
  owner: TestUser,
  name = "notes",
): Promise<PadRoom> {
  const roomId = await roomWithBot(stack, owner, { name: "Access" });
  const reply = await command(stack, owner, roomId, `!pad ${name}`);
  if (!/Added the pad/.test(String(reply.content.body))) {
    throw new Error(`!pad ${name} was not accepted: ${String(reply.content.body)}`);
  }
  const [widgetId, widget] =
    [...(await widgetsIn(owner, roomId)).entries()].find(([, w]) => w.type === "m.etherpad") ?? [];
  if (!widgetId || !widget) throw new Error("the pad widget did not appear in the room");
  // The widget state does not carry the pad id (see Workspace.addPad): ask Etherpad's API.
  const etherpad = createEtherpadClient({ url: stack.etherpad.url, apiKey: stack.etherpad.apiKey });
  const padId = `${await etherpad.groupForRoom(roomId)}$${name}`;
  if (!(await etherpad.listPads(padId.split("$")[0]!)).includes(padId)) {
    throw new Error(`Etherpad has no pad ${padId} for the room`);
  }
  const widgetUrl = String(widget.url)
    .replace("$matrix_room_id", encodeURIComponent(roomId))
    .replace("$matrix_widget_id", encodeURIComponent(widgetId));
  return {
    roomId,
    widgetId,
    padId,
    widgetUrl: `${widgetUrl}&widgetId=${encodeURIComponent(widgetId)}`,
    templateUrl: String(widget.url),
  };
}

export interface SessionAnswer {
  status: number;
  body: { url?: string; readOnly?: boolean; errcode?: string; error?: string };
  /** The `sessionID` value the answer set, if any. */
  sessionId: string | null;
}

/** `POST /atrium/pad/session` as the pad page does it. */
export async function askForSession(
  stack: AtriumStack,
  room: Pick<PadRoom, "roomId" | "widgetId">,
  openid: { access_token: string; matrix_server_name?: string },
): Promise<SessionAnswer> {
  const res = await fetch(`${stack.webUrl}/atrium/pad/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomId: room.roomId, widgetId: room.widgetId, openid }),
  });
  const cookie = res.headers.get("set-cookie");
  const match = cookie ? /^sessionID=([^;]+)/.exec(cookie) : null;
  return {
    status: res.status,
    body: (await res.json()) as SessionAnswer["body"],
    sessionId: match?.[1] ? (decodeURIComponent(match[1]).split(",")[0] ?? null) : null,
  };
}

/**
 * Makes a real OpenID token expire as Synapse judges it: its validity in Synapse's own SQLite
 * database (table open_id_tokens) is moved into the past. Synapse reads that row on every
 * userinfo call, so the token is then refused exactly as an hour-old one would be.
 */
export async function expireOpenIdToken(stack: AtriumStack, token: string): Promise<void> {
  const db = path.join(stack.synapse.dataDir, "homeserver.db");
  const script =
    "import sqlite3, sys\n" +
    "c = sqlite3.connect(sys.argv[1], timeout=30)\n" +
    "n = c.execute('UPDATE open_id_tokens SET ts_valid_until_ms = 1000 WHERE token = ?', (sys.argv[2],)).rowcount\n" +
    "c.commit()\n" +
    "sys.exit(0 if n == 1 else 3)\n";
  await promisify(execFile)("python3", ["-c", script, db, token]);
}
