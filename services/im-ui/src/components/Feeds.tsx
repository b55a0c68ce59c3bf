// The room's feeds (the same actions as `!feed`): the list with Pause/Resume and Remove, and
// the form to add one, with a preview of the newest entry as it would be posted.
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { ImFeed, ImFeedList, ImFeedPreview } from "@atrium/widgets";
import { Alert, Badge, Button, Form, H2, InlineSpinner, Text } from "@vector-im/compound-web";
import DeleteIcon from "@vector-im/compound-design-tokens/assets/web/icons/delete";
import NotificationsIcon from "@vector-im/compound-design-tokens/assets/web/icons/notifications";
import PauseIcon from "@vector-im/compound-design-tokens/assets/web/icons/pause";
import PlayIcon from "@vector-im/compound-design-tokens/assets/web/icons/play";
import { levelText } from "../access";
import { messageOf, type ImApi } from "../api";
import { checkFeedLabel, checkFeedUrl, feedStateText, linkify } from "../feed-rules";
import type { RunAction } from "./App";

/** What the home view knows of the room's feeds. */
export type FeedsState = { list: ImFeedList } | { error: string } | { off: true };

export interface FeedsProps {
  feeds: FeedsState;
  roomId: string;
  api: ImApi;
  run: RunAction;
  busy: boolean;
  /** The IM user's level, for the refusal text. */
  userLevel: number | null;
}

export function Feeds(props: FeedsProps) {
  const { feeds } = props;
  if ("off" in feeds) return null;
  return (
    <section className="im-section" aria-labelledby="im-feeds">
      <H2 size="sm" id="im-feeds">
        Feeds
      </H2>
      <Text size="sm" className="im-subtle">
        New entries of RSS, Atom and JSON feeds, posted in the room by Atrium's bot. The same as{" "}
        <code>!feed</code> in the room.
      </Text>
      {"error" in feeds ? (
        <Alert type="critical" title="Cannot show the feeds">
          {feeds.error}
        </Alert>
      ) : (
        <FeedsOf {...props} list={feeds.list} />
      )}
    </section>
  );
}

function FeedsOf({ list, roomId, api, run, busy, userLevel }: FeedsProps & { list: ImFeedList }) {
  const canManage = list.canManage && !busy;
  return (
    <>
      {!list.canManage && (
        <Alert type="info" title="You cannot manage feeds here">
          Adding, pausing and removing feeds needs power level {list.neededLevel} (the room's level
          for changing settings); yours is {levelText(userLevel)}. Ask a room moderator or admin.
          You can still preview a feed.
        </Alert>
      )}
      {list.feeds.length === 0 ? (
        <Text size="sm" className="im-subtle">
          This room follows no feeds yet.
        </Text>
      ) : (
        <ul className="im-list" aria-label="Feeds of this room">
          {list.feeds.map((f) => (
            <FeedRow
              key={f.id}
              feed={f}
              roomId={roomId}
              api={api}
              run={run}
              canManage={canManage}
            />
          ))}
        </ul>
      )}
      <AddFeed roomId={roomId} api={api} run={run} canManage={canManage} busy={busy} />
    </>
  );
}

function FeedRow({
  feed,
  roomId,
  api,
  run,
  canManage,
}: {
  feed: ImFeed;
  roomId: string;
  api: ImApi;
  run: RunAction;
  canManage: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirm.current?.focus();
  }, [confirming]);
  const state = feedStateText(feed);
  const running = feed.state === "active" || feed.state === "failing";
  const { label } = feed;

  return (
    <li className="im-row" aria-label={label}>
      <span className="im-kind-icon" aria-hidden="true">
        <NotificationsIcon width={20} height={20} />
      </span>
      <div className="im-row-text">
        <Text size="md" weight="semibold" className="im-row-name">
          {label}
        </Text>
        <Text size="sm" className="im-subtle im-url im-feed-url">
          {feed.url}
        </Text>
        <Text size="sm" className={state.warn ? "im-error" : "im-subtle"}>
          {feed.state === "active" ? (
            state.text
          ) : (
            <Badge kind={state.warn ? "red" : "grey"}>{state.text}</Badge>
          )}
          {feed.template !== null && " · own template"}
        </Text>
      </div>
      {confirming ? (
        <div className="im-confirm" role="group" aria-label={`Remove ${label}?`}>
          <span className="im-confirm-text">
            Stop following it? Nothing more will be posted from it; messages already posted stay.
          </span>
          <div className="im-actions">
            <Button
              ref={confirm}
              kind="primary"
              destructive
              size="md"
              disabled={!canManage}
              aria-label={`Confirm removing ${label}`}
              onClick={async () => {
                await run(() => api.removeFeed(roomId, feed.id));
                setConfirming(false);
              }}
            >
              Remove
            </Button>
            <Button kind="secondary" size="md" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <div className="im-actions">
          <Button
            kind="secondary"
            size="md"
            Icon={running ? PauseIcon : PlayIcon}
            disabled={!canManage}
            aria-label={`${running ? "Pause" : "Resume"} ${label}`}
            onClick={() => void run(() => api.pauseFeed(roomId, feed.id, running))}
          >
            {running ? "Pause" : "Resume"}
          </Button>
          <Button
            kind="secondary"
            destructive
            size="md"
            Icon={DeleteIcon}
            disabled={!canManage}
            aria-label={`Remove ${label}`}
            onClick={() => setConfirming(true)}
          >
            Remove
          </Button>
        </div>
      )}
    </li>
  );
}

function AddFeed({
  roomId,
  api,
  run,
  canManage,
  busy,
}: {
  roomId: string;
  api: ImApi;
  run: RunAction;
  canManage: boolean;
  busy: boolean;
}) {
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
      <Form.Field name="feed-url" serverInvalid={urlProblem !== null}>
        <Form.Label>Feed URL</Form.Label>
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
        {urlProblem !== null ? (
          <Form.ErrorMessage>{urlProblem}</Form.ErrorMessage>
        ) : (
          <Form.HelpMessage>
            The RSS, Atom or JSON Feed address (http:// or https://).
          </Form.HelpMessage>
        )}
      </Form.Field>
      <Form.Field name="feed-label" serverInvalid={labelProblem !== null}>
        <Form.Label>Label (optional)</Form.Label>
        <Form.TextControl
          value={label}
          autoComplete="off"
          onChange={(e) => {
            setLabel(e.target.value);
            setTouched((t) => ({ ...t, label: true }));
          }}
        />
        {labelProblem !== null ? (
          <Form.ErrorMessage>{labelProblem}</Form.ErrorMessage>
        ) : (
          <Form.HelpMessage>
            Shown before each entry. Without one, the feed's title is used.
          </Form.HelpMessage>
        )}
      </Form.Field>
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
        {preview !== null && <Preview preview={preview} />}
      </div>
    </Form.Root>
  );
}

function Preview({ preview }: { preview: ImFeedPreview }) {
  if (preview.entry === null) {
    return (
      <Text size="sm" className="im-subtle">
        "{preview.feedTitle}" has no entries yet; new ones will be posted as they are published.
      </Text>
    );
  }
  return (
    <figure className="im-feed-preview" aria-label="Preview of the newest entry">
      <figcaption className="im-subtle">
        The newest entry of "{preview.feedTitle}", as it would be posted (nothing was posted):
      </figcaption>
      <blockquote className="im-feed-message">
        {linkify(preview.entry.plain).map((part, i) =>
          part.href === undefined ? (
            <span key={i}>{part.text}</span>
          ) : (
            <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
              {part.text}
            </a>
          ),
        )}
      </blockquote>
    </figure>
  );
}
