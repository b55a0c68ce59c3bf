/**
 * Before a web page of the room opens: where it leads, in full, so nobody follows a link that
 * only looks right. Leaving sends no Referer (the page and the link say no-referrer).
 */
import { useEffect, useRef } from "react";
import { Alert, Button, Text } from "@vector-im/compound-web";
import { Section } from "../components/Section";

export interface PageInterstitialProps {
  page: { name: string; url: string };
  onBack: () => void;
}

export function PageInterstitial({ page, onBack }: PageInterstitialProps) {
  const go = useRef<HTMLAnchorElement>(null);
  useEffect(() => go.current?.focus(), []);
  const host = new URL(page.url).host;
  return (
    <Section id="ws-leaving" className="ws-narrow" title={<>{page.name} leads to another site</>}>
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
    </Section>
  );
}
