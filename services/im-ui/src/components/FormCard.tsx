// The card every add form of the IM sits in: a heading, what the form does, then its fields.
import type { FormEvent, ReactNode } from "react";
import { Form, Text } from "@vector-im/compound-web";

export interface FormCardProps {
  /** The heading's id; the form is labelled by it. */
  id: string;
  title: string;
  /** What adding it does, under the heading. */
  intro: ReactNode;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}

/** A form in a card, named by its heading. */
export function FormCard({ id, title, intro, onSubmit, children }: FormCardProps) {
  return (
    <Form.Root className="im-card im-form" onSubmit={onSubmit} aria-labelledby={id}>
      <h3 id={id} className="im-h3">
        {title}
      </h3>
      <Text size="sm" className="im-subtle">
        {intro}
      </Text>
      {children}
    </Form.Root>
  );
}
