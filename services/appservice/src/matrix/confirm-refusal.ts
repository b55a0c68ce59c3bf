/**
 * The homeserver's last word on a refusal: decisions are made from cached state, and only a
 * refusal is read again. Moved from state-cache.ts (issue 24); it rests on the cache's rule
 * that every heard state event is applied in stream order.
 */
import type { MatrixGateway } from "./gateway";

/**
 * Decides from the cached state; when the decision is a refusal, reads again from the
 * homeserver what it rests on (with `userId`: that user's member event and the power levels,
 * two small reads; without: the whole room) and decides once more. A change the appservice has
 * not heard of yet (a power level granted a moment ago, a join) then never causes a refusal;
 * the homeserver has the last word. Grants are not re-read: every state event Atrium has heard
 * is in the cache, applied in stream order (see the module comment).
 */
export async function confirmRefusal<T>(
  gateway: Pick<MatrixGateway, "refresh" | "recheck">,
  roomId: string,
  decide: () => Promise<T>,
  refuses: (decision: T) => boolean,
  userId?: string,
): Promise<T> {
  const first = await decide();
  if (!refuses(first)) return first;
  if (userId !== undefined && gateway.recheck) await gateway.recheck(roomId, userId);
  else if (gateway.refresh) await gateway.refresh(roomId);
  else return first;
  return decide();
}
