// Pin/Unpin and Remove (with a confirmation step) for one widget.
import type { ImWidget } from "@atrium/widgets";
import { Button } from "@vector-im/compound-web";
import PinIcon from "@vector-im/compound-design-tokens/assets/web/icons/pin";
import UnpinIcon from "@vector-im/compound-design-tokens/assets/web/icons/unpin";
import type { RoomActionProps } from "./actions";
import { RowActions } from "./RowActions";

export interface WidgetActionsProps extends RoomActionProps {
  widget: ImWidget;
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
  const name = widget.name;
  return (
    <RowActions
      name={name}
      question={
        widget.kind === "etherpad"
          ? "Remove it? The pad is archived with its text; adding a pad with the same name brings it back."
          : "Remove it from the room?"
      }
      canRemove={canChange}
      onRemove={async () => {
        if (await run(() => api.remove(roomId, widget.id))) onRemoved?.();
      }}
    >
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
    </RowActions>
  );
}
