// A form field checked as the person types: its help until the value is wrong, then the reason.
import type { ReactNode } from "react";
import { Form } from "@vector-im/compound-web";

export interface CheckedFieldProps {
  /** The field's form name (Compound ties label, control and messages to it). */
  name: string;
  label: string;
  /** Why the value is refused, or null while it is fine (or not typed in yet). */
  problem: string | null;
  /** What to type, shown while there is no problem. */
  help: ReactNode;
  /** The control: a `Form.TextControl` with its own value, handlers and attributes. */
  children: ReactNode;
}

/** One labelled field: the control, then either the problem (marked invalid) or the help. */
export function CheckedField({ name, label, problem, help, children }: CheckedFieldProps) {
  return (
    <Form.Field name={name} serverInvalid={problem !== null}>
      <Form.Label>{label}</Form.Label>
      {children}
      {problem !== null ? (
        <Form.ErrorMessage>{problem}</Form.ErrorMessage>
      ) : (
        <Form.HelpMessage>{help}</Form.HelpMessage>
      )}
    </Form.Field>
  );
}
