// How the IM runs an action on the room, and what every component that acts on the room shares.
// Components import these from here, never from App.tsx (which imports them all).
import { useCallback, useState } from "react";
import type { ImActionResult } from "@atrium/widgets";
import { messageOf, type ImApi } from "../api";
import type { ScalarMessaging } from "../scalar-messaging";

/** A finished action's outcome, announced to screen readers. */
export type Outcome = { ok: boolean; text: string };

/** Runs one server action, then reloads the room; resolves true when the action succeeded. */
export type RunAction = (
  action: () => Promise<Pick<ImActionResult, "message" | "clientWrite">>,
) => Promise<boolean>;

/** What a component needs to act on one room: the room, the server and the action runner. */
export interface RoomActionProps {
  roomId: string;
  api: ImApi;
  run: RunAction;
}

/** The IM's one action runner and what it shows: whether an action runs, and how the last ended. */
export interface RunningActions {
  run: RunAction;
  busy: boolean;
  outcome: Outcome | null;
}

/**
 * One action at a time: its outcome (the server's message, or why it was refused) is kept for
 * the page to announce, and the room is reloaded after it, whatever the outcome.
 */
export function useRunAction(
  roomId: string | null,
  messaging: ScalarMessaging,
  reload: () => Promise<void>,
): RunningActions {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const run: RunAction = useCallback(
    async (action) => {
      setBusy(true);
      setOutcome(null);
      try {
        const result = await action();
        setOutcome({ ok: true, text: result.message });
        // Written again through Element, so the person is the widget's sender (its creator,
        // for Element). Where Element refuses or lacks send_event, the bot's event stands.
        const write = result.clientWrite;
        if (write && roomId) {
          messaging
            .sendEvent(roomId, write.type, write.state_key, write.content)
            .catch(() => undefined);
        }
        return true;
      } catch (error) {
        setOutcome({ ok: false, text: messageOf(error) });
        return false;
      } finally {
        await reload();
        setBusy(false);
      }
    },
    [reload, messaging, roomId],
  );
  return { run, busy, outcome };
}
