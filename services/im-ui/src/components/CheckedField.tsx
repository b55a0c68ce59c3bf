// A text field checked as the person types: its help until the text is refused, then the reason.
import type { ComponentPropsWithRef, ReactNode } from "react";
import { Form } from "@vector-im/compound-web";
import type { CheckedInput } from "./checked-input";

export interface CheckedFieldProps extends Omit<
  ComponentPropsWithRef<typeof Form.TextControl>,
  "name" | "value" | "onChange"
> {
  /** The field's form name (Compound ties label, control and messages to it). */
  name: string;
  label: string;
  /** The input's text and check (from `useCheckedInput`). */
  input: CheckedInput<unknown>;
  /** What to type, shown while there is no problem. */
  help: ReactNode;
}

/**
 * One labelled text control bound to `input`, then either the input's problem (the field marked
 * invalid) or the help. Other props (autoComplete, inputMode, disabled, ref) go to the control.
 */
export function CheckedField({ name, label, input, help, ...control }: CheckedFieldProps) {
  return (
    <Form.Field name={name} serverInvalid={input.problem !== null}>
      <Form.Label>{label}</Form.Label>
      <Form.TextControl {...control} {...input.control} />
      {input.problem !== null ? (
        <Form.ErrorMessage>{input.problem}</Form.ErrorMessage>
      ) : (
        <Form.HelpMessage>{help}</Form.HelpMessage>
      )}
    </Form.Field>
  );
}
