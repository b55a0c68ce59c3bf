// A titled part of a page, and the list-or-note each part with items shows: the IM and the
// workspace page both build their parts from these, so a part reads the same everywhere.
import type { ReactNode } from "react";
import { H2, Text } from "@vector-im/compound-web";

export interface SectionProps {
  /** The heading's id: the section is labelled by its heading, which names it for screen readers. */
  id: string;
  title: ReactNode;
  /** Classes besides `im-section` (the workspace's narrow parts: `ws-narrow`). */
  className?: string;
  children?: ReactNode;
}

export function Section({ id, title, className, children }: SectionProps) {
  return (
    <section className={className ? `im-section ${className}` : "im-section"} aria-labelledby={id}>
      <H2 size="sm" id={id}>
        {title}
      </H2>
      {children}
    </section>
  );
}

export interface ListOrProps<T> {
  items: readonly T[];
  /** The note shown instead of an empty list: what adds the first item. */
  empty: ReactNode;
  /** The list's accessible name, where its heading does not say it already. */
  label?: string;
  /** One item's row (an `<li>` with its key). */
  children: (item: T) => ReactNode;
}

/** The items as a list, or the `empty` note when there are none. */
export function ListOr<T>({ items, empty, label, children }: ListOrProps<T>) {
  if (items.length === 0) {
    return (
      <Text size="sm" className="im-subtle">
        {empty}
      </Text>
    );
  }
  return (
    <ul className="im-list" aria-label={label}>
      {items.map(children)}
    </ul>
  );
}
