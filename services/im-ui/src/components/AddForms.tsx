// The three ways to add something: a pad, a conference, a web page.
import { useEffect, useRef, useState, type FormEvent } from "react";
import {
  validatePadName,
  validateWidgetName,
  validateWidgetUrl,
  CALL_BUTTON_HINT,
  type ImWidgetKind,
} from "@atrium/widgets";
import { Alert, Button, Form, H2, Text } from "@vector-im/compound-web";
import { ImApiError } from "../api";
import type { RoomActionProps } from "./actions";
import { CheckedField } from "./CheckedField";

export interface AddFormsProps extends RoomActionProps {
  disabled: boolean;
  /** Joined people, when known: for the three-person hint. */
  memberCount: number | null;
  /** The room's call button joins a call every client can join (MatrixRTC calls are on). */
  callButton: boolean;
  /** The kind Element's `screen` named without a widget: that form gets the focus. */
  focusKind: ImWidgetKind | null;
}

export function AddForms(props: AddFormsProps) {
  return (
    <section className="im-section" aria-labelledby="im-add">
      <H2 size="sm" id="im-add">
        Add to this room
      </H2>
      <div className="im-add-grid">
        <AddPad {...props} />
        <AddConference {...props} />
        <AddPage {...props} />
      </div>
    </section>
  );
}

/** Moves the focus to `ref` once when `when` is true (Element opened the IM on this kind). */
function useInitialFocus<T extends HTMLElement>(when: boolean) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (when) ref.current?.focus();
  }, [when]);
  return ref;
}

function AddPad({ roomId, api, run, disabled, focusKind }: AddFormsProps) {
  const [name, setName] = useState("");
  const [touched, setTouched] = useState(false);
  const check = validatePadName(name);
  const problem = touched && !check.ok ? check.reason : null;
  const input = useInitialFocus<HTMLInputElement>(focusKind === "etherpad");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!check.ok || disabled) return;
    if (await run(() => api.add(roomId, { kind: "etherpad", name: check.value }))) {
      setName("");
      setTouched(false);
    }
  };
  return (
    <Form.Root className="im-card im-form" onSubmit={submit} aria-labelledby="im-add-pad">
      <h3 id="im-add-pad" className="im-h3">
        Pad
      </h3>
      <Text size="sm" className="im-subtle">
        A shared text everyone in the room can write in. People outside the room cannot open it.
      </Text>
      <CheckedField
        name="pad-name"
        label="Pad name"
        problem={problem}
        help="Fewer than 16 characters: letters, digits, - _ or . (no spaces), starting with a letter or digit. For example minutes or team-notes."
      >
        <Form.TextControl
          ref={input}
          value={name}
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          onChange={(e) => {
            setName(e.target.value);
            setTouched(true);
          }}
        />
      </CheckedField>
      <Button type="submit" kind="primary" size="md" disabled={disabled}>
        Add pad
      </Button>
    </Form.Root>
  );
}

function AddConference({
  roomId,
  api,
  run,
  disabled,
  memberCount,
  callButton,
  focusKind,
}: AddFormsProps) {
  const [tooFew, setTooFew] = useState<string | null>(null);
  const button = useInitialFocus<HTMLButtonElement>(focusKind === "jitsi");

  const add = async (force: boolean) => {
    setTooFew(null);
    await run(async () => {
      try {
        return await api.add(roomId, force ? { kind: "jitsi", force: true } : { kind: "jitsi" });
      } catch (error) {
        if (error instanceof ImApiError && error.errcode === "ATRIUM_FEW_MEMBERS")
          setTooFew(error.message);
        throw error;
      }
    });
  };
  return (
    <div className="im-card im-form" role="group" aria-labelledby="im-add-conference">
      <h3 id="im-add-conference" className="im-h3">
        Conference
      </h3>
      <Text size="sm" className="im-subtle">
        A video conference for the room. Everyone joins with the microphone muted. Conferences are
        for three or more people; for two, start a call from the room header instead (a direct
        connection).
        {memberCount !== null &&
          ` This room has ${memberCount} ${memberCount === 1 ? "person" : "people"} (and Atrium's bot).`}
      </Text>
      {callButton && (
        <Text size="sm" className="im-subtle">
          {CALL_BUTTON_HINT}
        </Text>
      )}
      {tooFew !== null ? (
        <Alert type="info" title="Fewer than three people">
          {tooFew}
          <div className="im-actions">
            <Button kind="primary" size="md" disabled={disabled} onClick={() => void add(true)}>
              Add anyway
            </Button>
            <Button kind="secondary" size="md" onClick={() => setTooFew(null)}>
              Cancel
            </Button>
          </div>
        </Alert>
      ) : (
        <Button
          ref={button}
          kind="primary"
          size="md"
          disabled={disabled}
          onClick={() => void add(false)}
        >
          Add conference
        </Button>
      )}
    </div>
  );
}

function AddPage({ roomId, api, run, disabled, focusKind }: AddFormsProps) {
  const [url, setUrl] = useState("");
  const [name, setName] = useState("");
  const [touched, setTouched] = useState({ url: false, name: false });
  const urlCheck = validateWidgetUrl(url, { refusePrivateAddresses: true });
  const nameCheck = name.trim() === "" ? null : validateWidgetName(name);
  const urlProblem = touched.url && !urlCheck.ok ? urlCheck.reason : null;
  const nameProblem = touched.name && nameCheck !== null && !nameCheck.ok ? nameCheck.reason : null;
  const input = useInitialFocus<HTMLInputElement>(focusKind === "custom");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched({ url: true, name: true });
    if (!urlCheck.ok || (nameCheck !== null && !nameCheck.ok) || disabled) return;
    const request =
      nameCheck === null
        ? { kind: "custom" as const, url: urlCheck.value }
        : { kind: "custom" as const, url: urlCheck.value, name: nameCheck.value };
    if (await run(() => api.add(roomId, request))) {
      setUrl("");
      setName("");
      setTouched({ url: false, name: false });
    }
  };
  return (
    <Form.Root className="im-card im-form" onSubmit={submit} aria-labelledby="im-add-page">
      <h3 id="im-add-page" className="im-h3">
        Web page
      </h3>
      <Text size="sm" className="im-subtle">
        Any public web page, shown beside the chat. Element asks each member once before loading it.
      </Text>
      <CheckedField
        name="page-url"
        label="Address"
        problem={urlProblem}
        help="A full http:// or https:// address on the public internet."
      >
        <Form.TextControl
          ref={input}
          value={url}
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          placeholder="https://"
          disabled={disabled}
          onChange={(e) => {
            setUrl(e.target.value);
            setTouched((t) => ({ ...t, url: true }));
          }}
        />
      </CheckedField>
      <CheckedField
        name="page-name"
        label="Name (optional)"
        problem={nameProblem}
        help="Up to 64 characters. Without one, the page's address is used."
      >
        <Form.TextControl
          value={name}
          autoComplete="off"
          disabled={disabled}
          onChange={(e) => {
            setName(e.target.value);
            setTouched((t) => ({ ...t, name: true }));
          }}
        />
      </CheckedField>
      <Button type="submit" kind="primary" size="md" disabled={disabled}>
        Add web page
      </Button>
    </Form.Root>
  );
}
