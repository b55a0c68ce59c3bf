// The three ways to add something: a pad, a conference, a web page.
import { useEffect, useRef, useState, type FormEvent } from "react";
import {
  validatePadName,
  validateWidgetName,
  validateWidgetUrl,
  CALL_BUTTON_HINT,
  type ImWidgetKind,
} from "@atrium/widgets";
import { Alert, Button, Text } from "@vector-im/compound-web";
import { Section } from "./Section";
import { ImApiError } from "../api";
import type { RoomActionProps } from "./actions";
import { type Checked, useCheckedInput } from "./checked-input";
import { CheckedField } from "./CheckedField";
import { ConfirmButtons } from "./ConfirmButtons";
import { FormCard } from "./FormCard";

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
    <Section id="im-add" title="Add to this room">
      <div className="im-add-grid">
        <AddPad {...props} />
        <AddConference {...props} />
        <AddPage {...props} />
      </div>
    </Section>
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
  const name = useCheckedInput(validatePadName);
  const input = useInitialFocus<HTMLInputElement>(focusKind === "etherpad");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    name.touch();
    const check = name.result;
    if (!check.ok || disabled) return;
    if (await run(() => api.add(roomId, { kind: "etherpad", name: check.value }))) name.reset();
  };
  return (
    <FormCard
      id="im-add-pad"
      title="Pad"
      intro="A shared text everyone in the room can write in. People outside the room cannot open it."
      onSubmit={submit}
    >
      <CheckedField
        name="pad-name"
        label="Pad name"
        input={name}
        help="Fewer than 16 characters: letters, digits, - _ or . (no spaces), starting with a letter or digit. For example minutes or team-notes."
        ref={input}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
      />
      <Button type="submit" kind="primary" size="md" disabled={disabled}>
        Add pad
      </Button>
    </FormCard>
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
          <ConfirmButtons
            confirm="Add anyway"
            disabled={disabled}
            onConfirm={() => void add(true)}
            onCancel={() => setTooFew(null)}
          />
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

/** A page's address: a public http(s) URL, as the server checks it. */
const pageUrl = (text: string) => validateWidgetUrl(text, { refusePrivateAddresses: true });
/** A page's optional name: empty means "use the address". */
const pageName = (text: string): Checked<string | null> =>
  text.trim() === "" ? { ok: true, value: null } : validateWidgetName(text);

function AddPage({ roomId, api, run, disabled, focusKind }: AddFormsProps) {
  const url = useCheckedInput(pageUrl);
  const name = useCheckedInput(pageName);
  const input = useInitialFocus<HTMLInputElement>(focusKind === "custom");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    url.touch();
    name.touch();
    const [urlCheck, nameCheck] = [url.result, name.result];
    if (!urlCheck.ok || !nameCheck.ok || disabled) return;
    const request =
      nameCheck.value === null
        ? { kind: "custom" as const, url: urlCheck.value }
        : { kind: "custom" as const, url: urlCheck.value, name: nameCheck.value };
    if (await run(() => api.add(roomId, request))) {
      url.reset();
      name.reset();
    }
  };
  return (
    <FormCard
      id="im-add-page"
      title="Web page"
      intro="Any public web page, shown beside the chat. Element asks each member once before loading it."
      onSubmit={submit}
    >
      <CheckedField
        name="page-url"
        label="Address"
        input={url}
        help="A full http:// or https:// address on the public internet."
        ref={input}
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        placeholder="https://"
        disabled={disabled}
      />
      <CheckedField
        name="page-name"
        label="Name (optional)"
        input={name}
        help="Up to 64 characters. Without one, the page's address is used."
        autoComplete="off"
        disabled={disabled}
      />
      <Button type="submit" kind="primary" size="md" disabled={disabled}>
        Add web page
      </Button>
    </FormCard>
  );
}
