// What the IM knows of the room: the server's view of it and its feeds, loaded again on demand.
import { useCallback, useEffect, useState } from "react";
import type { ImRoomView } from "@atrium/widgets";
import { ImApiError, messageOf, type ImApi } from "../api";
import type { FeedsState } from "./Feeds";

/** The room as last loaded; `loadError` says why it could not be (the last view stays). */
export interface LoadedRoom {
  view: ImRoomView | null;
  loadError: string | null;
  /** Null until the IM user is a member (the bot reads feeds for members only). */
  feeds: FeedsState | null;
  reload: () => Promise<void>;
}

/** Loads the room once `api` and `roomId` are known, and again whenever `reload` is called. */
export function useRoomView(api: ImApi | null, roomId: string | null): LoadedRoom {
  const [view, setView] = useState<ImRoomView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [feeds, setFeeds] = useState<FeedsState | null>(null);

  const reload = useCallback(async () => {
    if (api === null || roomId === null) return;
    let next: ImRoomView;
    try {
      next = await api.room(roomId);
      setView(next);
      setLoadError(null);
    } catch (error) {
      setLoadError(messageOf(error));
      return;
    }
    // Feeds are shown to members, once the bot is in the room (it reads them for them).
    if (next.room?.userMembership !== "join") {
      setFeeds(null);
      return;
    }
    try {
      setFeeds({ list: await api.feeds(roomId) });
    } catch (error) {
      setFeeds(
        error instanceof ImApiError && error.errcode === "ATRIUM_FEEDS_OFF"
          ? { off: true }
          : { error: messageOf(error) },
      );
    }
  }, [api, roomId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { view, loadError, feeds, reload };
}
