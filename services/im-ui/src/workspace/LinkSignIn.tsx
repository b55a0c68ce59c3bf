/**
 * The page a sign-in link opens. It says who the link signs in (and who is signed in here now)
 * and signs in only when the person confirms: opening the link alone changes nothing, so a link
 * someone else asked for never silently makes this browser theirs.
 */
import { useEffect, useState } from "react";
import { Alert, Button, InlineSpinner, Text } from "@vector-im/compound-web";
import { Section } from "../components/Section";
import { Announce } from "./Announce";
import { messageOf, roomPath, workspaceApi } from "./api";

export function LinkSignIn({ token }: { token: string }) {
  const [who, setWho] = useState<{
    userId: string;
    roomId: string | null;
    signedInAs: string | null;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // The token leaves the address bar (and this tab's history) once read.
    window.history.replaceState(null, "", window.location.pathname);
    workspaceApi.peekLink(token).then(setWho, (e: unknown) => setError(messageOf(e)));
  }, [token]);

  const confirm = async () => {
    setBusy(true);
    try {
      const answer = await workspaceApi.useLink(token);
      window.location.assign(answer.roomId ? roomPath(answer.roomId) : "/atrium/room/");
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  if (error !== null) {
    return (
      <Announce type="critical" title="This link does not sign you in">
        {error}
      </Announce>
    );
  }
  if (who === null) {
    return (
      <p className="im-loading" role="status">
        <InlineSpinner /> Reading the link…
      </p>
    );
  }
  const other = who.signedInAs !== null && who.signedInAs !== who.userId ? who.signedInAs : null;
  return (
    <Section id="ws-link" className="ws-narrow" title={<>Sign in as {who.userId}?</>}>
      <Text size="sm">
        This link signs this browser in to Atrium's workspace pages as <strong>{who.userId}</strong>
        . Continue only if you asked for it yourself, a moment ago.
      </Text>
      {other !== null && (
        <Alert type="critical" title={`Signed in as ${other} now`}>
          This browser is signed in as {other}. Continuing replaces that with {who.userId}.
        </Alert>
      )}
      <div className="im-actions">
        <Button kind="primary" size="md" disabled={busy} onClick={() => void confirm()}>
          Sign in as {who.userId}
        </Button>
        <Button kind="secondary" size="md" as="a" href="/atrium/room/">
          Cancel
        </Button>
      </div>
    </Section>
  );
}
