// The answer to a question a page asks before it acts (add a conference for two anyway, sign
// someone else out): the one button that goes ahead, and Cancel, the same in both apps.
import { Button } from "@vector-im/compound-web";

export interface ConfirmButtonsProps {
  /** What going ahead does ("Add anyway", "Sign in instead"). */
  confirm: string;
  /** Going ahead is not possible now (an action runs). */
  disabled: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmButtons({ confirm, disabled, onConfirm, onCancel }: ConfirmButtonsProps) {
  return (
    <div className="im-actions">
      <Button kind="primary" size="md" disabled={disabled} onClick={onConfirm}>
        {confirm}
      </Button>
      <Button kind="secondary" size="md" onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}
