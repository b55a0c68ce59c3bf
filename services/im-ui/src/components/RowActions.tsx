// A row's actions with Remove that asks first: the one confirm-and-act step of the IM (widgets
// and feeds). The question takes the focus, so Enter confirms from the keyboard; Cancel, or a
// removal that failed, gives the focus back to Remove.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "@vector-im/compound-web";
import DeleteIcon from "@vector-im/compound-design-tokens/assets/web/icons/delete";

export interface RowActionsProps {
  /** The thing's name, in the buttons' labels ("Remove notes", "Confirm removing notes"). */
  name: string;
  /** What removing it does, shown with the question. */
  question: string;
  /** Whether the person may remove it now (their power, the bot, no action running). */
  canRemove: boolean;
  /** Removes it (through the room's action runner); resolves when the attempt is over. */
  onRemove: () => Promise<unknown>;
  /** The row's other actions (Pin, Pause), shown before Remove while nothing is asked. */
  children?: ReactNode;
}

/**
 * The row's own actions and a Remove button; Remove first asks `question`, with Remove and
 * Cancel, and only its Remove acts.
 */
export function RowActions({ name, question, canRemove, onRemove, children }: RowActionsProps) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (asking) confirm.current?.focus();
    else if (asked.current) trigger.current?.focus();
    asked.current = asking;
  }, [asking]);

  if (asking) {
    return (
      <div className="im-confirm" role="group" aria-label={`Remove ${name}?`}>
        <span className="im-confirm-text">{question}</span>
        <div className="im-actions">
          <Button
            ref={confirm}
            kind="primary"
            destructive
            size="md"
            disabled={!canRemove}
            aria-label={`Confirm removing ${name}`}
            onClick={async () => {
              await onRemove();
              setAsking(false);
            }}
          >
            Remove
          </Button>
          <Button kind="secondary" size="md" onClick={() => setAsking(false)}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="im-actions">
      {children}
      <Button
        ref={trigger}
        kind="secondary"
        destructive
        size="md"
        Icon={DeleteIcon}
        disabled={!canRemove}
        aria-label={`Remove ${name}`}
        onClick={() => setAsking(true)}
      >
        Remove
      </Button>
    </div>
  );
}
