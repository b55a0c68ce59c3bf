/**
 * The IM's one page: the room's Atrium widgets, the forms to add more, and the notices that
 * explain what stands in the way (no bot, not enough power, not a member).
 */
import { useState } from "react";
import { Alert, Button, H1, IconButton, InlineSpinner, Text } from "@vector-im/compound-web";
import CloseIcon from "@vector-im/compound-design-tokens/assets/web/icons/close";
import type { ImApi } from "../api";
import type { ImParams } from "../params";
import type { ScalarMessaging } from "../scalar-messaging";
import { useRunAction } from "./actions";
import { useRoomView } from "./room-view";
import { RoomView } from "./RoomView";

export interface AppProps {
  params: ImParams;
  /** Null when Element passed no scalar_token. */
  api: ImApi | null;
  messaging: ScalarMessaging;
}

export function App({ params, api, messaging }: AppProps) {
  const { roomId } = params;
  const room = useRoomView(api, roomId);
  const actions = useRunAction(roomId, messaging, room.reload);
  const { view, loadError, reload } = room;
  // The edit view Element asked for (screen=type_<t>&integ_id=<id>), until the user leaves it.
  const [openWidget, setOpenWidget] = useState<string | null>(
    params.screenKind !== null ? params.integId : null,
  );

  const close = () => messaging.close();
  const title = view?.room?.name ?? params.roomName;

  return (
    <div className="im-page">
      <header className="im-header">
        <div>
          <H1 size="sm">Extensions</H1>
          {title !== null && (
            <Text size="sm" className="im-subtle">
              {title}
            </Text>
          )}
        </div>
        <IconButton aria-label="Close" onClick={close}>
          <CloseIcon />
        </IconButton>
      </header>
      <main className="im-main">
        {api === null || roomId === null ? (
          <Alert type="critical" title="Open this page from Element">
            This page needs the room and token Element passes when you choose Room info → Extensions
            → Add extensions.
          </Alert>
        ) : loadError !== null ? (
          <Alert
            type="critical"
            title="Cannot show this room"
            actions={
              <Button kind="secondary" size="md" onClick={() => void reload()}>
                Try again
              </Button>
            }
          >
            {loadError}
          </Alert>
        ) : view === null ? (
          <p className="im-loading" role="status">
            <InlineSpinner /> Loading the room…
          </p>
        ) : (
          <RoomView
            {...room}
            {...actions}
            view={view}
            roomId={roomId}
            api={api}
            messaging={messaging}
            params={params}
            openWidget={openWidget}
            setOpenWidget={setOpenWidget}
          />
        )}
      </main>
    </div>
  );
}
