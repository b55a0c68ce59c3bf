// The form that follows a new feed, with Preview: the newest entry as it would be posted.
import { useState, type FormEvent } from "react";
import type { ImFeedPreview } from "@atrium/widgets";
import { Alert, Button, Form, InlineSpinner, Text } from "@vector-im/compound-web";
import { messageOf } from "../api";
import { checkFeedLabel, checkFeedUrl } from "../feed-rules";
import type { RoomActionProps } from "./actions";
import { CheckedField } from "./CheckedField";
import { FeedPreview } from "./FeedPreview";

export interface AddFeedProps extends RoomActionProps {
  canManage: boolean;
  busy: boolean;
}

export function AddFeed({ roomId, api, run, canManage, busy }: AddFeedProps) {
  const [url, setUrl] = useState("");
  const [label, setLabel] = useState("");
  const [touched, setTouched] = useState({ url: false, label: false });
  const [preview, setPreview] = useState<ImFeedPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const urlCheck = checkFeedUrl(url);
  const labelCheck = checkFeedLabel(label);
  const urlProblem = touched.url && !urlCheck.ok ? urlCheck.reason : null;
  const labelProblem = touched.label && !labelCheck.ok ? labelCheck.reason : null;
  const request = () =>
    urlCheck.ok && labelCheck.ok
      ? labelCheck.value === ""
        ? { url: urlCheck.value }
        : { url: urlCheck.value, label: labelCheck.value }
      : null;

  const showPreview = async () => {
    setTouched({ url: true, label: true });
    const wanted = request();
    if (wanted === null) return;
    setPreviewing(true);
    setPreview(null);
    setPreviewError(null);
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
    setTouched({ url: true, label: true });
    const wanted = request();
    if (wanted === null || !canManage) return;
    if (await run(() => api.addFeed(roomId, wanted))) {
      setUrl("");
      setLabel("");
      setTouched({ url: false, label: false });
      setPreview(null);
      setPreviewError(null);
    }
  };

  return (
    <Form.Root className="im-card im-form" onSubmit={submit} aria-labelledby="im-add-feed">
      <h3 id="im-add-feed" className="im-h3">
        Follow a feed
      </h3>
      <Text size="sm" className="im-subtle">
        Its newest entry is posted right away, so you see how entries look; new ones follow as they
        are published.
      </Text>
      <CheckedField
        name="feed-url"
        label="Feed URL"
        problem={urlProblem}
        help="The RSS, Atom or JSON Feed address (http:// or https://)."
      >
        <Form.TextControl
          value={url}
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          placeholder="https://"
          onChange={(e) => {
            setUrl(e.target.value);
            setTouched((t) => ({ ...t, url: true }));
            setPreview(null);
            setPreviewError(null);
          }}
        />
      </CheckedField>
      <CheckedField
        name="feed-label"
        label="Label (optional)"
        problem={labelProblem}
        help="Shown before each entry. Without one, the feed's title is used."
      >
        <Form.TextControl
          value={label}
          autoComplete="off"
          onChange={(e) => {
            setLabel(e.target.value);
            setTouched((t) => ({ ...t, label: true }));
          }}
        />
      </CheckedField>
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
    </Form.Root>
  );
}
