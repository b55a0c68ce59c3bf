/**
 * A room's workspace: its pads (opened with the same checks and sessions as the widget), its web
 * pages (each shown with its full address before leaving) and how to join its call.
 */
import { useEffect, useRef, useState } from "react";
import { Button, InlineSpinner, Text } from "@vector-im/compound-web";
import DocumentIcon from "@vector-im/compound-design-tokens/assets/web/icons/document";
import VideoCallIcon from "@vector-im/compound-design-tokens/assets/web/icons/video-call";
import WebBrowserIcon from "@vector-im/compound-design-tokens/assets/web/icons/web-browser";
import { ListOr, Section } from "../components/Section";
import { Announce } from "./Announce";
import { messageOf, roomPath, workspaceApi, type WorkspaceRoom } from "./api";
import { PageInterstitial } from "./PageInterstitial";

export interface RoomPageProps {
  room: WorkspaceRoom;
  /** The pad or page the link named (`?w=`): it gets the focus. */
  focusId: string | null;
}

function Row(props: {
  icon: typeof DocumentIcon;
  name: string;
  note?: string;
  /** The row's button, if any. */
  children?: React.ReactNode;
  /** The pad or page the link named. */
  current?: boolean;
}) {
  const Icon = props.icon;
  return (
    <li className={`im-row${props.current ? " ws-current" : ""}`}>
      <span className="im-kind-icon" aria-hidden="true">
        <Icon width={20} height={20} />
      </span>
      <span className="im-row-text">
        <span className="im-row-name">{props.name}</span>
        {props.note && (
          <Text as="span" size="sm" className="im-subtle ws-block">
            {props.note}
          </Text>
        )}
      </span>
      {props.children}
    </li>
  );
}

/** How to join the room's call, as [where, how] pairs: one per way the room offers. */
function callWays(call: WorkspaceRoom["call"]): [string, string][] {
  const ways: [string, string][] = [];
  if (call.matrixRtc) {
    ways.push([
      "In any Matrix app",
      "Press the call button at the top of the room (Element X, Element, and other apps with MatrixRTC calls).",
    ]);
  }
  if (call.conference) {
    ways.push([
      "In Element Web and Desktop",
      "The Conference at the top of the room; microphones start muted.",
    ]);
  }
  if (ways.length === 0) {
    ways.push([
      "No call set up here",
      "For two people, the call button of your Matrix app calls directly. For a group, send !meet in the room (Element Web and Desktop show the conference).",
    ]);
  }
  return ways;
}

export function RoomPage({ room, focusId }: RoomPageProps) {
  const [opening, setOpening] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState<WorkspaceRoom["pages"][number] | null>(() =>
    focusId ? (room.pages.find((p) => p.id === focusId) ?? null) : null,
  );
  const focused = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    focused.current?.focus();
  }, []);

  const openPad = async (padId: string) => {
    setOpening(padId);
    setError(null);
    try {
      const { url } = await workspaceApi.openPad(room.roomId, padId);
      window.location.assign(url);
    } catch (e) {
      setError(messageOf(e));
      setOpening(null);
    }
  };

  if (leaving !== null) {
    return (
      <PageInterstitial
        page={leaving}
        onBack={() => {
          setLeaving(null);
          window.history.replaceState(null, "", roomPath(room.roomId));
        }}
      />
    );
  }
  return (
    <>
      {error !== null && (
        <Announce type="critical" title="The pad stays closed">
          {error}
        </Announce>
      )}
      <Section id="ws-pads" title="Pads">
        {room.padsReadOnly && room.pads.length > 0 && (
          <Text size="sm" className="im-subtle">
            Your power level in this room lets you read the pads, not edit them.
          </Text>
        )}
        <ListOr
          items={room.pads}
          empty={
            <>
              No pads yet. Anyone who may change widgets adds one by sending <code>!pad notes</code>{" "}
              in the room.
            </>
          }
        >
          {(pad) => (
            <Row key={pad.id} icon={DocumentIcon} name={pad.name} current={pad.id === focusId}>
              <Button
                ref={pad.id === focusId ? focused : undefined}
                kind={pad.id === focusId ? "primary" : "secondary"}
                size="md"
                disabled={opening !== null}
                aria-label={`Open the pad ${pad.name}${room.padsReadOnly ? " (read-only)" : ""}`}
                onClick={() => void openPad(pad.id)}
              >
                {opening === pad.id ? <InlineSpinner /> : room.padsReadOnly ? "Read" : "Open"}
              </Button>
            </Row>
          )}
        </ListOr>
      </Section>
      <Section id="ws-pages" title="Web pages">
        <ListOr
          items={room.pages}
          empty={
            <>
              No web pages yet (<code>!widget https://… name</code> adds one).
            </>
          }
        >
          {(page) => (
            <Row
              key={page.id}
              icon={WebBrowserIcon}
              name={page.name}
              note={new URL(page.url).host}
              current={page.id === focusId}
            >
              <Button
                ref={page.id === focusId ? focused : undefined}
                kind="secondary"
                size="md"
                aria-label={`Open the web page ${page.name}`}
                onClick={() => setLeaving(page)}
              >
                Open
              </Button>
            </Row>
          )}
        </ListOr>
      </Section>
      <Section id="ws-call" title="Call">
        <ul className="im-list">
          {callWays(room.call).map(([name, note]) => (
            <Row key={name} icon={VideoCallIcon} name={name} note={note} />
          ))}
        </ul>
      </Section>
    </>
  );
}
