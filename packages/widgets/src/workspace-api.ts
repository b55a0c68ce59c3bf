/**
 * The contract between the workspace page (`@atrium/im-ui`'s workspace.html) and the
 * appservice's `GET /atrium/workspace/rooms/:roomId`, which answers a {@link WorkspaceRoomView}.
 */

/** The page's view of a room: what a signed-in member may open there. */
export interface WorkspaceRoomView {
  roomId: string;
  name: string | null;
  userId: string;
  /** Below the pad edit level: pads open read-only. */
  padsReadOnly: boolean;
  pads: Array<{ id: string; name: string }>;
  pages: Array<{ id: string; name: string; url: string }>;
  call: {
    /** MatrixRTC calls are on: the call button of any client joins the room's call. */
    matrixRtc: boolean;
    /** The room has Atrium's Jitsi conference (Element Web and Desktop show it). */
    conference: boolean;
  };
}
