/**
 * An open pad connection that types, the way Etherpad 1.8.14's pad page does over socket.io:
 * CLIENT_READY with the `sessionID`, then USER_CHANGES changesets (`Z:<old>><n>*0+<n>$<text>`,
 * the text inserted at the start, attributed to the connection's author). Etherpad checks the
 * session again on every message, so this shows whether an already open pad keeps its write
 * access once Atrium ended the session (REFERENCE.md §5).
 */

import { onConnectClientReady, padSocket } from "./etherpad-socket";

interface Message {
  type?: string;
  accessStatus?: string;
  disconnect?: string;
  data?: {
    type?: string;
    userId?: string;
    newRev?: number;
    collab_client_vars?: { rev: number; initialAttributedText: { text: string } };
  };
}

export interface PadWriter {
  /**
   * Inserts `text` (no newline) at the start of the pad: "accepted" once Etherpad committed it,
   * "denied" when it answered `accessStatus: deny` (the session no longer opens the pad).
   */
  type(text: string): Promise<"accepted" | "denied">;
  close(): void;
}

/** Opens `padId` with `sessionId`; rejects unless Etherpad grants it (CLIENT_VARS). */
export async function openPadWriter(
  etherpadUrl: string,
  padId: string,
  sessionId: string,
): Promise<PadWriter> {
  const socket = padSocket(etherpadUrl, padId);
  const waiters: Array<(m: Message) => boolean> = [];
  socket.on("message", (raw: unknown) => {
    const m = (typeof raw === "string" ? JSON.parse(raw) : raw) as Message;
    for (const w of [...waiters]) if (w(m)) waiters.splice(waiters.indexOf(w), 1);
  });
  const next = <T>(what: string, pick: (m: Message) => T | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Etherpad sent no ${what} in 10 s`)), 10_000);
      waiters.push((m) => {
        const v = pick(m);
        if (v === undefined) return false;
        clearTimeout(timer);
        resolve(v);
        return true;
      });
    });
  const vars = next("CLIENT_VARS or deny", (m) =>
    m.type === "CLIENT_VARS" ? m.data : m.accessStatus ? null : undefined,
  );
  onConnectClientReady(socket, padId, sessionId);
  const data = await vars;
  if (!data?.collab_client_vars || !data.userId) {
    socket.close();
    throw new Error(`Etherpad denied ${padId} to session ${sessionId.slice(0, 6)}…`);
  }
  const author = data.userId;
  let rev = data.collab_client_vars.rev;
  let length = data.collab_client_vars.initialAttributedText.text.length;
  return {
    async type(text) {
      const n = text.length.toString(36);
      const answer = next("an answer to USER_CHANGES", (m) =>
        m.accessStatus === "deny"
          ? ("denied" as const)
          : m.data?.type === "ACCEPT_COMMIT"
            ? ((rev = m.data.newRev ?? rev + 1), "accepted" as const)
            : undefined,
      );
      socket.json.send({
        type: "COLLABROOM",
        component: "pad",
        data: {
          type: "USER_CHANGES",
          baseRev: rev,
          changeset: `Z:${length.toString(36)}>${n}*0+${n}$${text}`,
          apool: { numToAttrib: { 0: ["author", author] }, nextNum: 1 },
        },
      });
      const verdict = await answer;
      if (verdict === "accepted") length += text.length;
      return verdict;
    },
    close: () => socket.close(),
  };
}
