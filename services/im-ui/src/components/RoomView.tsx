// The room's part of the IM page: the outcome of the last action, what stands in the way (power,
// the bot), and either one widget's edit view or the room's widgets, the add forms and feeds.
import type { ImRoomView } from "@atrium/widgets";
import { Alert } from "@vector-im/compound-web";
import { accessOf } from "../access";
import type { ImApi } from "../api";
import type { ImParams } from "../params";
import type { ScalarMessaging } from "../scalar-messaging";
import type { RunningActions } from "./actions";
import { AddForms } from "./AddForms";
import { BotPanel } from "./BotPanel";
import { Feeds, type FeedsState } from "./Feeds";
import { WidgetDetail } from "./WidgetDetail";
import { WidgetList } from "./WidgetList";

export interface RoomViewProps extends RunningActions {
  view: ImRoomView;
  roomId: string;
  api: ImApi;
  messaging: ScalarMessaging;
  params: ImParams;
  reload: () => Promise<void>;
  feeds: FeedsState | null;
  /** The widget whose edit view is shown, or null for the room's list. */
  openWidget: string | null;
  setOpenWidget: (id: string | null) => void;
}

export function RoomView(props: RoomViewProps) {
  const { view, roomId, api, busy, run, outcome, openWidget, setOpenWidget } = props;
  const access = accessOf(view);
  const widgets = view.room?.widgets ?? [];
  const shown = openWidget === null ? undefined : widgets.find((w) => w.id === openWidget);
  const botReady = view.bot.ready;
  const canChange = access.canChange && botReady && !busy;
  const canPin = access.canPin && botReady && !busy;
  const acting = { roomId, api, run };
  const rights = { ...acting, canChange, canPin };

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
        <WidgetDetail widget={shown} {...rights} onBack={() => setOpenWidget(null)} />
      ) : (
        <>
          <WidgetList widgets={widgets} {...rights} />
          <AddForms
            {...acting}
            disabled={!canChange}
            memberCount={view.room?.memberCount ?? null}
            callButton={view.callButton ?? false}
            focusKind={openWidget === null ? props.params.screenKind : null}
          />
          {props.feeds !== null && (
            <Feeds
              feeds={props.feeds}
              {...acting}
              busy={busy}
              userLevel={view.room?.userLevel ?? null}
            />
          )}
        </>
      )}
    </>
  );
}
