// A feed's newest entry as Atrium would post it (the form's Preview; nothing is posted).
import type { ImFeedPreview } from "@atrium/widgets";
import { Text } from "@vector-im/compound-web";
import { linkify } from "../feed-rules";

export function FeedPreview({ preview }: { preview: ImFeedPreview }) {
  if (preview.entry === null) {
    return (
      <Text size="sm" className="im-subtle">
        "{preview.feedTitle}" has no entries yet; new ones will be posted as they are published.
      </Text>
    );
  }
  return (
    <figure className="im-feed-preview" aria-label="Preview of the newest entry">
      <figcaption className="im-subtle">
        The newest entry of "{preview.feedTitle}", as it would be posted (nothing was posted):
      </figcaption>
      <blockquote className="im-feed-message">
        {linkify(preview.entry.plain).map((part, i) =>
          part.href === undefined ? (
            <span key={i}>{part.text}</span>
          ) : (
            <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
              {part.text}
            </a>
          ),
        )}
      </blockquote>
    </figure>
  );
}
