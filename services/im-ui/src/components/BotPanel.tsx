// Why Atrium's bot must be in the room, and the button that brings it in (issue 10, point 3).
import { useState } from "react";
import type { ImRoomView } from "@atrium/widgets";
import { Alert, Button, InlineSpinner } from "@vector-im/compound-web";
import { type ImApi, messageOf } from "../api";
import { type BotStep, setUpBot } from "../bot-setup";
import type { ScalarMessaging } from "../scalar-messaging";

export interface BotPanelProps {
  view: ImRoomView;
  roomId: string;
  api: ImApi;
  messaging: ScalarMessaging;
  onDone: () => Promise<void>;
}

const STEP_TEXT: Record<BotStep, string> = {
  inviting: "Asking Element to invite the bot…",
  "waiting-join": "Waiting for the bot to join…",
  granting: "Asking Element to give the bot its power level…",
  "waiting-ready": "Waiting for the new power level to arrive…",
};

export function BotPanel({ view, roomId, api, messaging, onDone }: BotPanelProps) {
  const [step, setStep] = useState<BotStep | null>(null);
  const [error, setError] = useState<string | null>(null);
  const bot = view.bot.userId;
  const joined = view.bot.membership === "join";
  const level = view.room?.neededLevel;
  const levelText =
    level === undefined
      ? "the power level Element requires to add widgets in this room (50 unless the room changed it)"
      : `power level ${level}, the level Element requires to add widgets in this room`;

  const start = async () => {
    setError(null);
    try {
      await setUpBot(roomId, view, { api, messaging, onStep: setStep });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setStep(null);
      await onDone();
    }
  };

  return (
    <Alert
      type="info"
      title={joined ? "Atrium's bot needs a power level" : "Atrium's bot is not in this room"}
    >
      <p className="im-para">
        Atrium's bot ({bot}) checks who is a member before anyone opens a pad or joins a conference,
        and opens each member's pad session. It must be in the room to do that, and needs the widget
        level to keep the room's pads and conferences up to date.
      </p>
      <p className="im-para">
        {joined
          ? "This button asks Element"
          : "This button asks Element to invite the bot (it joins by itself), then"}{" "}
        {joined ? "to give" : "gives"} it {levelText}; nothing more. You need the right to invite
        and to change power levels in this room.
      </p>
      {error !== null && (
        <p className="im-para im-error" role="alert">
          {error}
        </p>
      )}
      <div className="im-actions" aria-live="polite">
        <Button kind="primary" size="md" disabled={step !== null} onClick={() => void start()}>
          {joined ? "Give Atrium's bot its level" : "Invite Atrium's bot"}
        </Button>
        {step !== null && (
          <span className="im-step">
            <InlineSpinner /> {STEP_TEXT[step]}
          </span>
        )}
      </div>
    </Alert>
  );
}
