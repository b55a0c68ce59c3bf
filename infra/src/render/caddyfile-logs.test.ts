import { caddyOptions, CONTAINER_UPSTREAMS } from "../test-support/edge";
import { renderCaddyfile } from "./caddyfile";

/**
 * Element appends the person's IM token (`scalar_token`) to the pad and conference pages'
 * URLs (the price of its Edit menu), and tickets and tokens travel in query strings elsewhere:
 * the proxy must write no request log. Caddy logs requests only where a `log` directive asks
 * for it (caddyserver.com/docs/caddyfile/directives/log: it "enables" access logs).
 */
describe("the Caddyfile's logging", () => {
  it("has no access log on any site, so no query string is ever written", () => {
    const caddyfile = renderCaddyfile(caddyOptions(CONTAINER_UPSTREAMS));
    expect(caddyfile).toContain("pad.example.org {");
    expect(caddyfile).not.toMatch(/^\s*log(\s|\{|$)/m);
    expect(caddyfile).not.toMatch(/^\s*log_/m);
  });
});
