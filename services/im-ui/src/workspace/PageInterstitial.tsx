/**
 * Before a web page of the room opens: where it leads, in full, so nobody follows a link that
 * only looks right. Leaving sends no Referer (the page and the link say no-referrer).
 */
import { useEffect, useRef } from "react";
import { Alert, Button, H2, Text } from "@vector-im/compound-web";

export interface PageInterstitialProps {
  page: { name: string; url: string };
  onBack: () => void;
}

export function PageInterstitial({ page, onBack }: PageInterstitialProps) {
  const go = useRef<HTMLAnchorElement>(null);
  useEffect(() => go.current?.focus(), []);
  const host = new URL(page.url).host;
  return (
    <section className="im-section ws-narrow" aria-labelledby="ws-leaving">
      <H2 size="sm" id="ws-leaving">
        {page.name} leads to another site
      </H2>
      <Alert type="info" title="You are leaving Atrium">
        This web page was added to the room by one of its members. Atrium does not check what it
        shows; continue if you trust {host}.
      </Alert>
      <Text size="sm" className="im-subtle">
        Full address:
      </Text>
      <p className="im-url ws-full-url" data-testid="page-url">
        {page.url}
      </p>
      <div className="im-actions">
        <Button ref={go} as="a" kind="primary" size="md" href={page.url} rel="noopener noreferrer">
          Continue to {host}
        </Button>
        <Button kind="secondary" size="md" onClick={onBack}>
          Back to the room
        </Button>
      </div>
    </section>
  );
}
