/**
 * Sign in with Matrix: the Matrix ID, then the code from Atrium's direct message. The answer to
 * the first step is the same for every ID (the page never learns whether a DM went out).
 */
import { useRef, useState, type FormEvent } from "react";
import { Button, Form, Text } from "@vector-im/compound-web";
import { ConfirmButtons } from "../components/ConfirmButtons";
import { Section } from "../components/Section";
import { Announce } from "./Announce";
import { messageOf, workspaceApi, WorkspaceError } from "./api";

export interface SignInProps {
  roomId: string | null;
  onSignedIn: (userId: string) => void;
}

const MATRIX_ID = /^@[^\s:]+:[^\s]+$/;

export function SignIn({ roomId, onSignedIn }: SignInProps) {
  const [userId, setUserId] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [replace, setReplace] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    const id = userId.trim();
    if (!MATRIX_ID.test(id)) {
      setError(
        "Type your Matrix ID, like @alice:example.org (an @, your user name, a colon, your server).",
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await workspaceApi.askToSignIn(id, roomId);
      setAsked(answer.message);
      setTimeout(() => codeInput.current?.focus(), 0);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const enter = async (event: FormEvent | null, confirmed = false) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await workspaceApi.enterCode(code, confirmed);
      onSignedIn(answer.userId);
    } catch (e) {
      if (e instanceof WorkspaceError && e.errcode === "ATRIUM_SIGNED_IN_AS_OTHER") {
        setReplace(e.message);
      } else {
        setError(messageOf(e));
        if (
          e instanceof WorkspaceError &&
          (e.errcode === "ATRIUM_NO_SIGN_IN" || /closed/.test(e.message))
        ) {
          setAsked(null);
          setCode("");
        }
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section id="ws-sign-in" className="ws-narrow" title="Sign in with Matrix">
      <Text size="sm" className="im-subtle">
        Atrium sends you a direct message in your Matrix app (Element X, Element, FluffyChat,
        Cinny…) with a code for this page and a link for the device that gets it. Signing in only
        says who you are: each room is checked when you open it.
      </Text>
      {error !== null && (
        <Announce type="critical" title="Not signed in">
          {error}
        </Announce>
      )}
      {asked === null ? (
        <Form.Root className="im-form" onSubmit={ask}>
          <Form.Field name="matrix-id">
            <Form.Label>Your Matrix ID</Form.Label>
            <Form.TextControl
              value={userId}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              inputMode="email"
              placeholder="@alice:example.org"
              disabled={busy}
              onChange={(e) => setUserId(e.target.value)}
            />
            <Form.HelpMessage>
              Find it in your Matrix app's settings, under your name.
            </Form.HelpMessage>
          </Form.Field>
          <Button type="submit" kind="primary" size="md" disabled={busy}>
            Send me a code
          </Button>
        </Form.Root>
      ) : (
        <>
          <Announce type="info" title="Check your Matrix app">
            {asked}
          </Announce>
          {replace !== null ? (
            <Announce type="critical" title="Someone else is signed in here">
              {replace}
              <ConfirmButtons
                confirm="Sign in instead"
                disabled={busy}
                onConfirm={() => void enter(null, true)}
                onCancel={() => setReplace(null)}
              />
            </Announce>
          ) : (
            <Form.Root className="im-form" onSubmit={(e) => void enter(e)}>
              <Form.Field name="code">
                <Form.Label>Code from the message</Form.Label>
                <Form.TextControl
                  ref={codeInput}
                  value={code}
                  autoComplete="one-time-code"
                  autoCapitalize="characters"
                  spellCheck={false}
                  placeholder="ABCD-EFGH"
                  disabled={busy}
                  onChange={(e) => setCode(e.target.value)}
                />
              </Form.Field>
              <div className="im-actions">
                <Button
                  type="submit"
                  kind="primary"
                  size="md"
                  disabled={busy || code.trim() === ""}
                >
                  Sign in
                </Button>
                <Button
                  type="button"
                  kind="tertiary"
                  size="md"
                  onClick={() => {
                    setAsked(null);
                    setCode("");
                  }}
                >
                  Use another Matrix ID
                </Button>
              </div>
            </Form.Root>
          )}
        </>
      )}
    </Section>
  );
}
