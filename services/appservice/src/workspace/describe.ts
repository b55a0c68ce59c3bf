/** Turns an unexpected failure into words for the room (never a token, key or URL query). */
import { EtherpadError } from "@atrium/etherpad";
import { describeMatrixError } from "../matrix/errors";

export function describeFailure(error: unknown): string {
  if (error instanceof EtherpadError) {
    switch (error.kind) {
      case "unavailable":
        return "Etherpad is not answering right now, so nothing was created. Try again in a minute; if it keeps failing, ask your admin to check Etherpad.";
      case "auth":
        return "Etherpad refused Atrium's API key, so nothing was created. Ask your admin to check etherpad.apiKey in Atrium's config.";
      case "version":
        return "This Etherpad is too old for Atrium (it needs API 1.2.15 or later), so nothing was created. Ask your admin.";
      case "input":
        return "Etherpad refused that name, so nothing was created. Pad names use letters, digits, - _ and . only.";
      default:
        return "Etherpad refused the request, so nothing was created. Try again; if it keeps failing, ask your admin to check Etherpad's log.";
    }
  }
  return `The homeserver refused the change (${describeMatrixError(error)}). Nothing more was done; try again, or ask your admin if it keeps failing.`;
}
