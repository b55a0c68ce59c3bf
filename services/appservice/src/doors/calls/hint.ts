/** The call-button hint of `!meet` (the same text as the IM's Conference card, @atrium/widgets). */
import { CALL_BUTTON_HINT } from "@atrium/widgets";

export { CALL_BUTTON_HINT };

/** The hint when MatrixRTC calls are on, else an empty string. */
export function callButtonHint(calls: { enabled: boolean }): string {
  return calls.enabled ? CALL_BUTTON_HINT : "";
}
