// Pin/Unpin and Remove (with a confirmation step) for one widget.
import { useState } from "react";
import type { ImWidget } from "@atrium/widgets";
import { Button } from "@vector-im/compound-web";
import DeleteIcon from "@vector-im/compound-design-tokens/assets/web/icons/delete";
import PinIcon from "@vector-im/compound-design-tokens/assets/web/icons/pin";
import UnpinIcon from "@vector-im/compound-design-tokens/assets/web/icons/unpin";
import type { ImApi } from "../api";
import type { RunAction } from "./App";

export interface WidgetActionsProps {
  widget: ImWidget;
  roomId: string;
  api: ImApi;
  run: RunAction;
  canChange: boolean;
  canPin: boolean;
  /** Called after a successful removal. */
  onRemoved?: () => void;
}

export function WidgetActions({
  widget,
  roomId,
  api,
  run,
  canChange,
  canPin,
  onRemoved,
}: WidgetActionsProps) {
  const [confirming, setConfirming] = useState(false);
  const name = widget.name;

  if (confirming) {
    return (
      <div className="im-confirm" role="group" aria-label={`Remove ${name}?`}>
        <span className="im-confirm-text">
          {widget.kind === "etherpad"
            ? "Remove it? The pad is archived with its text; adding a pad with the same name brings it back."
            : "Remove it from the room?"}
        </span>
        <div className="im-actions">
          <Button
            kind="primary"
            destructive
            size="md"
            disabled={!canChange}
            aria-label={`Confirm removing ${name}`}
            onClick={async () => {
              const ok = await run(() => api.remove(roomId, widget.id));
              setConfirming(false);
              if (ok) onRemoved?.();
            }}
          >
            Remove
          </Button>
          <Button kind="secondary" size="md" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="im-actions">
      <Button
        kind="secondary"
        size="md"
        Icon={widget.pinned ? UnpinIcon : PinIcon}
        disabled={!canPin}
        aria-label={`${widget.pinned ? "Unpin" : "Pin"} ${name}`}
        onClick={() => void run(() => api.pin(roomId, widget.id, !widget.pinned))}
      >
        {widget.pinned ? "Unpin" : "Pin"}
      </Button>
      <Button
        kind="secondary"
        destructive
        size="md"
        Icon={DeleteIcon}
        disabled={!canChange}
        aria-label={`Remove ${name}`}
        onClick={() => setConfirming(true)}
      >
        Remove
      </Button>
    </div>
  );
}
