/**
 * The IM's one page: the room's Atrium widgets, the forms to add more, and the notices that
 * explain what stands in the way (no bot, not enough power, not a member).
 */
import { useCallback, useEffect, useState } from "react";
import type { ImActionResult, ImRoomView } from "@atrium/widgets";
import { Alert, Button, H1, IconButton, InlineSpinner, Text } from "@vector-im/compound-web";
import CloseIcon from "@vector-im/compound-design-tokens/assets/web/icons/close";
import { accessOf } from "../access";
import { type ImApi, ImApiError, messageOf } from "../api";
import type { ImParams } from "../params";
import type { ScalarMessaging } from "../scalar-messaging";
import { AddForms } from "./AddForms";
import { BotPanel } from "./BotPanel";
import { Feeds, type FeedsState } from "./Feeds";
import { WidgetDetail } from "./WidgetDetail";
import { WidgetList } from "./WidgetList";

export interface AppProps {
  params: ImParams;
  /** Null when Element passed no scalar_token. */
  api: ImApi | null;
  messaging: ScalarMessaging;
}

/** A finished action's outcome, announced to screen readers. */
export type Outcome = { ok: boolean; text: string };
/** Runs one server action, then reloads the room. */
export type RunAction = (
  action: () => Promise<{ message: string; clientWrite?: ImActionResult["clientWrite"] }>,
) => Promise<boolean>;

export function App({ params, api, messaging }: AppProps) {
  const { roomId } = params;
  const [view, setView] = useState<ImRoomView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [feeds, setFeeds] = useState<FeedsState | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  // The edit view Element asked for (screen=type_<t>&integ_id=<id>), until the user leaves it.
  const [openWidget, setOpenWidget] = useState<string | null>(
    params.screenKind !== null ? params.integId : null,
  );

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

  const run: RunAction = useCallback(
    async (action) => {
      setBusy(true);
      setOutcome(null);
      try {
        const result = await action();
        setOutcome({ ok: true, text: result.message });
        // Written again through Element, so the person is the widget's sender (its creator,
        // for Element). Where Element refuses or lacks send_event, the bot's event stands.
        const write = result.clientWrite;
        if (write && roomId) {
          messaging
            .sendEvent(roomId, write.type, write.state_key, write.content)
            .catch(() => undefined);
        }
        return true;
      } catch (error) {
        setOutcome({ ok: false, text: messageOf(error) });
        return false;
      } finally {
        await reload();
        setBusy(false);
      }
    },
    [reload, messaging, roomId],
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
            view={view}
            roomId={roomId}
            api={api}
            messaging={messaging}
            params={params}
            busy={busy}
            run={run}
            outcome={outcome}
            reload={reload}
            feeds={feeds}
            openWidget={openWidget}
            setOpenWidget={setOpenWidget}
          />
        )}
      </main>
    </div>
  );
}

interface RoomViewProps {
  view: ImRoomView;
  roomId: string;
  api: ImApi;
  messaging: ScalarMessaging;
  params: ImParams;
  busy: boolean;
  run: RunAction;
  outcome: Outcome | null;
  reload: () => Promise<void>;
  feeds: FeedsState | null;
  openWidget: string | null;
  setOpenWidget: (id: string | null) => void;
}

function RoomView(props: RoomViewProps) {
  const { view, roomId, api, busy, run, outcome, openWidget, setOpenWidget } = props;
  const access = accessOf(view);
  const widgets = view.room?.widgets ?? [];
  const shown = openWidget === null ? undefined : widgets.find((w) => w.id === openWidget);
  const botReady = view.bot.ready;
  const canChange = access.canChange && botReady && !busy;
  const canPin = access.canPin && botReady && !busy;

  return (
    <>
      <div role="status" aria-live="polite" className="im-outcome">
        {outcome !== null && (
          <Alert
            type={outcome.ok ? "success" : "critical"}
            title={outcome.ok ? "Done" : "Not done"}
          >
            {outcome.text}
          </Alert>
        )}
      </div>
      {access.reason !== null && (
        <Alert
          type="info"
          title={
            access.canChange ? "Pinning is not open to you" : "You cannot change extensions here"
          }
        >
          {access.reason}
        </Alert>
      )}
      {!botReady && (
        <BotPanel
          view={view}
          roomId={roomId}
          api={api}
          messaging={props.messaging}
          onDone={props.reload}
        />
      )}
      {openWidget !== null && view.room !== null && shown === undefined && (
        <Alert type="info" title="That extension is not here">
          Atrium does not manage the extension Element asked for, or it was removed. Here are the
          room's extensions instead.
        </Alert>
      )}
      {shown !== undefined ? (
        <WidgetDetail
          widget={shown}
          roomId={roomId}
          api={api}
          run={run}
          canChange={canChange}
          canPin={canPin}
          onBack={() => setOpenWidget(null)}
        />
      ) : (
        <>
          <WidgetList
            widgets={widgets}
            roomId={roomId}
            api={api}
            run={run}
            canChange={canChange}
            canPin={canPin}
          />
          <AddForms
            roomId={roomId}
            api={api}
            run={run}
            disabled={!canChange}
            memberCount={view.room?.memberCount ?? null}
            callButton={view.callButton ?? false}
            focusKind={openWidget === null ? props.params.screenKind : null}
          />
          {props.feeds !== null && (
            <Feeds
              feeds={props.feeds}
              roomId={roomId}
              api={api}
              run={run}
              busy={busy}
              userLevel={view.room?.userLevel ?? null}
            />
          )}
        </>
      )}
    </>
  );
}
