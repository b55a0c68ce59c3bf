// The room's feeds (the same actions as `!feed`): the list with Pause/Resume and Remove, and
// the form to add one, with a preview of the newest entry as it would be posted.
import type { ImFeedList } from "@atrium/widgets";
import { Alert, Text } from "@vector-im/compound-web";
import { ListOr, Section } from "./Section";
import { levelText } from "../access";
import type { RoomActionProps } from "./actions";
import { AddFeed } from "./AddFeed";
import { FeedRow } from "./FeedRow";

/** What the home view knows of the room's feeds. */
export type FeedsState = { list: ImFeedList } | { error: string } | { off: true };

export interface FeedsProps extends RoomActionProps {
  feeds: FeedsState;
  busy: boolean;
  /** The IM user's level, for the refusal text. */
  userLevel: number | null;
}

export function Feeds(props: FeedsProps) {
  const { feeds } = props;
  if ("off" in feeds) return null;
  return (
    <Section id="im-feeds" title="Feeds">
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
    </Section>
  );
}

function FeedsOf({ list, roomId, api, run, busy, userLevel }: FeedsProps & { list: ImFeedList }) {
  const canManage = list.canManage && !busy;
  const acting = { roomId, api, run };
  return (
    <>
      {!list.canManage && (
        <Alert type="info" title="You cannot manage feeds here">
          Adding, pausing and removing feeds needs power level {list.neededLevel} (the room's level
          for changing settings); yours is {levelText(userLevel)}. Ask a room moderator or admin.
          You can still preview a feed.
        </Alert>
      )}
      <ListOr items={list.feeds} empty="This room follows no feeds yet." label="Feeds of this room">
        {(f) => <FeedRow key={f.id} feed={f} {...acting} canManage={canManage} />}
      </ListOr>
      <AddFeed {...acting} canManage={canManage} busy={busy} />
    </>
  );
}
