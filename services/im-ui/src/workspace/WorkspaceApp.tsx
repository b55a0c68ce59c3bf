/**
 * The workspace page: a room's pads, pages and call for any Matrix client (issue 21). Signed
 * out, it asks for a Matrix ID; a sign-in link opens the confirmation; signed in, the room.
 */
import { useCallback, useEffect, useState } from "react";
import { Button, H1, InlineSpinner, Text } from "@vector-im/compound-web";
import LeaveIcon from "@vector-im/compound-design-tokens/assets/web/icons/leave";
import { Announce } from "./Announce";
import { messageOf, workspaceApi, WorkspaceError, type Place, type WorkspaceRoom } from "./api";
import { LinkSignIn } from "./LinkSignIn";
import { RoomPage } from "./RoomPage";
import { SignIn } from "./SignIn";

type Load =
  | { state: "loading" }
  | { state: "signed-out" }
  | { state: "ready"; userId: string; room: WorkspaceRoom | null }
  | { state: "refused"; userId: string | null; message: string };

export function WorkspaceApp({ place }: { place: Place }) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const roomId = place.kind === "room" ? place.roomId : null;

  const reload = useCallback(async () => {
    let who: string | null = null;
    try {
      const { userId } = await workspaceApi.me();
      who = userId;
      if (userId === null) return setLoad({ state: "signed-out" });
      if (roomId === null) return setLoad({ state: "ready", userId, room: null });
      setLoad({ state: "ready", userId, room: await workspaceApi.room(roomId) });
    } catch (e) {
      if (e instanceof WorkspaceError && e.status === 401) return setLoad({ state: "signed-out" });
      setLoad({ state: "refused", userId: who, message: messageOf(e) });
    }
  }, [roomId]);

  useEffect(() => {
    if (place.kind !== "link") void reload();
  }, [place.kind, reload]);

  useEffect(() => {
    const title = load.state === "ready" && load.room ? (load.room.name ?? "Room") : "Workspace";
    document.title = `${title} · Atrium`;
  }, [load]);

  const signOut = async () => {
    await workspaceApi.signOut().catch(() => undefined);
    setLoad({ state: "signed-out" });
  };

  const signedInAs = load.state === "ready" || load.state === "refused" ? load.userId : null;
  return (
    <div className="im-page ws-page">
      <header className="im-header">
        <div>
          <H1 size="sm">
            {load.state === "ready" && load.room
              ? (load.room.name ?? "This room")
              : "Atrium workspace"}
          </H1>
          <Text size="sm" className="im-subtle">
            {signedInAs !== null
              ? `Signed in as ${signedInAs}`
              : "Pads, web pages and calls of a Matrix room"}
          </Text>
        </div>
        {signedInAs !== null && (
          <Button kind="tertiary" size="md" Icon={LeaveIcon} onClick={() => void signOut()}>
            Sign out
          </Button>
        )}
      </header>
      <main className="im-main">
        {place.kind === "link" ? (
          <LinkSignIn token={place.token} />
        ) : load.state === "loading" ? (
          <p className="im-loading" role="status">
            <InlineSpinner /> Loading…
          </p>
        ) : load.state === "signed-out" ? (
          <SignIn roomId={roomId} onSignedIn={() => void reload()} />
        ) : load.state === "refused" ? (
          <Announce type="critical" title="This room stays closed">
            {load.message}
          </Announce>
        ) : load.room === null ? (
          <Text>
            Open a room's workspace from its link: Atrium pins it at the top of each room where it
            added pads or pages, and <code>!widgets</code> lists it.
          </Text>
        ) : (
          <RoomPage room={load.room} focusId={place.kind === "room" ? place.widgetId : null} />
        )}
      </main>
    </div>
  );
}
