// One followed feed: its label, address and state, with Pause/Resume and Remove.
import type { ImFeed } from "@atrium/widgets";
import { Badge, Button, Text } from "@vector-im/compound-web";
import NotificationsIcon from "@vector-im/compound-design-tokens/assets/web/icons/notifications";
import PauseIcon from "@vector-im/compound-design-tokens/assets/web/icons/pause";
import PlayIcon from "@vector-im/compound-design-tokens/assets/web/icons/play";
import { feedStateText } from "../feed-rules";
import type { RoomActionProps } from "./actions";
import { RowActions } from "./RowActions";

export interface FeedRowProps extends RoomActionProps {
  feed: ImFeed;
  canManage: boolean;
}

export function FeedRow({ feed, roomId, api, run, canManage }: FeedRowProps) {
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
      <RowActions
        name={label}
        question="Stop following it? Nothing more will be posted from it; messages already posted stay."
        canRemove={canManage}
        onRemove={() => run(() => api.removeFeed(roomId, feed.id))}
      >
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
      </RowActions>
    </li>
  );
}
