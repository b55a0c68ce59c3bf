/** Turns an unexpected failure into words for the room (never a token, key or URL query). */
import { EtherpadError } from "@atrium/etherpad";
import { describeMatrixError } from "../matrix/errors";

export function describeFailure(error: unknown): string {
  if (error instanceof EtherpadError) {
    return "Etherpad is not answering right now, so nothing was created. Try again in a minute; if it keeps failing, ask your admin to check Etherpad.";
  }
  return `The homeserver refused the change (${describeMatrixError(error)}). Nothing more was done; try again, or ask your admin if it keeps failing.`;
}
