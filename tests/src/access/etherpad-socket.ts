/**
 * Asks Etherpad for a pad the way its pad page does: connect over socket.io and send
 * CLIENT_READY with the `sessionID` cookie value. Etherpad 1.8.14 decides access there, not on
 * `GET /p/<pad>` (which always answers the page shell): it answers `{accessStatus: "deny"}` or
 * the pad (`CLIENT_VARS`). REFERENCE.md §5.
 */
import { randomBytes } from "node:crypto";
import io from "socket.io-client";

export type PadVerdict = "grant" | "deny";

/** What Etherpad answers to CLIENT_READY for `padId` with `sessionId` (or none). */
export async function clientReady(
  etherpadUrl: string,
  padId: string,
  sessionId?: string,
): Promise<PadVerdict> {
  const socket = io(etherpadUrl, {
    query: { padId },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
  });
  try {
    return await new Promise<PadVerdict>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Etherpad did not answer CLIENT_READY for ${padId} within 15 s`)),
        15_000,
      );
      socket.on("connect", () => {
        socket.json.send({
          component: "pad",
          type: "CLIENT_READY",
          padId,
          sessionID: sessionId,
          token: `t.${randomBytes(10).toString("hex")}`,
          protocolVersion: 2,
        });
      });
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
