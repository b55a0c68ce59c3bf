// The form that follows a new feed, with Preview: the newest entry as it would be posted.
import { useState, type FormEvent } from "react";
import type { ImFeedPreview } from "@atrium/widgets";
import { Alert, Button, InlineSpinner } from "@vector-im/compound-web";
import { messageOf } from "../api";
import { checkFeedLabel, checkFeedUrl } from "../feed-rules";
import type { RoomActionProps } from "./actions";
import { useCheckedInput } from "./checked-input";
import { CheckedField } from "./CheckedField";
import { FormCard } from "./FormCard";
import { FeedPreview } from "./FeedPreview";

export interface AddFeedProps extends RoomActionProps {
  canManage: boolean;
  busy: boolean;
}

export function AddFeed({ roomId, api, run, canManage, busy }: AddFeedProps) {
  const [preview, setPreview] = useState<ImFeedPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const forgetPreview = () => {
    setPreview(null);
    setPreviewError(null);
  };
  const url = useCheckedInput(checkFeedUrl, forgetPreview);
  const label = useCheckedInput(checkFeedLabel);
  /** The request the form stands for, showing every problem; null while one stands. */
  const request = () => {
    url.touch();
    label.touch();
    const [urlCheck, labelCheck] = [url.result, label.result];
    if (!urlCheck.ok || !labelCheck.ok) return null;
    return labelCheck.value === ""
      ? { url: urlCheck.value }
      : { url: urlCheck.value, label: labelCheck.value };
  };

  const showPreview = async () => {
    const wanted = request();
    if (wanted === null) return;
    setPreviewing(true);
    forgetPreview();
    try {
      const result = await api.previewFeed(roomId, wanted);
      setPreview(result.preview ?? null);
    } catch (error) {
      setPreviewError(messageOf(error));
    } finally {
      setPreviewing(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = request();
    if (wanted === null || !canManage) return;
    if (await run(() => api.addFeed(roomId, wanted))) {
      url.reset();
      label.reset();
      forgetPreview();
    }
  };

  return (
    <FormCard
      id="im-add-feed"
      title="Follow a feed"
      intro="Its newest entry is posted right away, so you see how entries look; new ones follow as they are published."
      onSubmit={submit}
    >
      <CheckedField
        name="feed-url"
        label="Feed URL"
        input={url}
        help="The RSS, Atom or JSON Feed address (http:// or https://)."
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        placeholder="https://"
      />
      <CheckedField
        name="feed-label"
        label="Label (optional)"
        input={label}
        help="Shown before each entry. Without one, the feed's title is used."
        autoComplete="off"
      />
      <div className="im-actions">
        <Button
          type="button"
          kind="secondary"
          size="md"
          disabled={previewing || busy}
          onClick={() => void showPreview()}
        >
          Preview
        </Button>
        <Button type="submit" kind="primary" size="md" disabled={!canManage}>
          Add feed
        </Button>
      </div>
      <div aria-live="polite" className="im-feed-preview-region">
        {previewing && (
          <p className="im-loading" role="status">
            <InlineSpinner /> Reading the feed…
          </p>
        )}
        {previewError !== null && (
          <Alert type="critical" title="Cannot preview this feed">
            {previewError}
          </Alert>
        )}
        {preview !== null && <FeedPreview preview={preview} />}
      </div>
    </FormCard>
  );
}
