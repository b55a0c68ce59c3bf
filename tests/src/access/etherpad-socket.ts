/**
 * Asks Etherpad for a pad the way its pad page does: connect over socket.io and send
 * CLIENT_READY with the `sessionID` cookie value. Etherpad 1.8.14 decides access there, not on
 * `GET /p/<pad>` (which always answers the page shell): it answers `{accessStatus: "deny"}` or
 * the pad (`CLIENT_VARS`). REFERENCE.md §5.
 */
import { randomBytes } from "node:crypto";
import io from "socket.io-client";

export type PadVerdict = "grant" | "deny";

type PadSocket = ReturnType<typeof io>;

/** A socket.io connection to `padId` as the pad page opens it (websocket only, no reconnect). */
export function padSocket(etherpadUrl: string, padId: string): PadSocket {
  return io(etherpadUrl, {
    query: { padId },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
  });
}

/** Sends CLIENT_READY for `padId` with `sessionId` (the `sessionID` cookie value) once connected. */
export function onConnectClientReady(socket: PadSocket, padId: string, sessionId?: string): void {
  socket.on("connect", () =>
    socket.json.send({
      component: "pad",
      type: "CLIENT_READY",
      padId,
      sessionID: sessionId,
      token: `t.${randomBytes(10).toString("hex")}`,
      protocolVersion: 2,
    }),
  );
}

/** What Etherpad answers to CLIENT_READY for `padId` with `sessionId` (or none). */
export async function clientReady(
  etherpadUrl: string,
  padId: string,
  sessionId?: string,
): Promise<PadVerdict> {
  const socket = padSocket(etherpadUrl, padId);
  try {
    return await new Promise<PadVerdict>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Etherpad did not answer CLIENT_READY for ${padId} within 15 s`)),
        15_000,
      );
      onConnectClientReady(socket, padId, sessionId);
      socket.on("message", (raw: unknown) => {
        const msg = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
          accessStatus?: string;
          type?: string;
        };
        if (msg.accessStatus) {
          clearTimeout(timer);
          resolve("deny");
        } else if (msg.type === "CLIENT_VARS") {
          clearTimeout(timer);
          resolve("grant");
        }
      });
      socket.on("connect_error", (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  } finally {
    socket.close();
  }
}
