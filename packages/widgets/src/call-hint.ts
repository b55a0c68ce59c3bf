/**
 * What `!meet` and the integration manager's Conference card say about the room's call when
 * MatrixRTC calls are on: Element X and Cinny (and Element Web/Desktop's call button) join
 * Element Call, never a Jitsi widget, so people on those clients need to hear where the room's
 * call is. One text for both doors.
 */
export const CALL_BUTTON_HINT =
  "People on any client (Element X on phones, Cinny, Element Web and Desktop) join this room's call with the call button in the room header; only members of the room get in.";
