import { validateHost, validateWidgetUrl } from "./validate-url";
import { expectAccepted, expectRefused, itRefusesNonStrings } from "./test-support/validation";

const PRIVATE = { refusePrivateAddresses: true };

describe("validateWidgetUrl accepts", () => {
  it.each([
    ["https://pad.example.org/p/notes", "https://pad.example.org/p/notes"],
    ["http://example.org", "http://example.org/"],
    ["HTTPS://EXAMPLE.ORG/Path", "https://example.org/Path"],
    ["hTtPs://example.org/", "https://example.org/"],
    ["https://example.org:8443/x", "https://example.org:8443/x"],
    ["https://example.org:443/x", "https://example.org/x"],
    [
      "https://example.org/w?room=$matrix_room_id&user=$matrix_user_id",
      "https://example.org/w?room=$matrix_room_id&user=$matrix_user_id",
    ],
    [
      "https://app.element.io/jitsi.html?confId=$conferenceId#conferenceDomain=$domain&language=$org.matrix.msc2873.client_language",
      "https://app.element.io/jitsi.html?confId=$conferenceId#conferenceDomain=$domain&language=$org.matrix.msc2873.client_language",
    ],
    ["https://bücher.example/", "https://xn--bcher-kva.example/"],
    ["https://ex%61mple.org/a%20b", "https://example.org/a%20b"],
    ["http://localhost:9001/p/x", "http://localhost:9001/p/x"],
    ["http://127.0.0.1:8008/", "http://127.0.0.1:8008/"],
  ])("%s (without private-address refusal)", (input, expected) =>
    expectAccepted(validateWidgetUrl(input), expected),
  );

  it.each([
    ["https://8.8.8.8/", "https://8.8.8.8/"],
    ["https://[2606:4700:4700::1111]/", "https://[2606:4700:4700::1111]/"],
    ["https://172.32.0.1/", "https://172.32.0.1/"],
    ["https://meet.example.org/room", "https://meet.example.org/room"],
  ])("%s (public, with private-address refusal)", (input, expected) =>
    expectAccepted(validateWidgetUrl(input, PRIVATE), expected),
  );
});

describe("validateWidgetUrl refuses", () => {
  it.each([
    ["", /empty/],
    ["javascript:alert(1)", /javascript: scheme/],
    ["JaVaScRiPt:alert(1)", /javascript: scheme/],
    ["data:text/html,<script>alert(1)</script>", /data: scheme/],
    ["vbscript:msgbox(1)", /vbscript: scheme/],
    ["file:///etc/passwd", /file: scheme/],
    ["FILE://server/share", /file: scheme/],
    ["ftp://example.org/", /ftp: scheme/],
    ["%6a%61vascript:alert(1)", /percent- or entity-encoded/],
    ["&#106;avascript:alert(1)", /percent- or entity-encoded/],
    ["&#x6A;avascript:alert(1)", /percent- or entity-encoded/],
    ["java%0ascript:alert(1)", /percent- or entity-encoded/],
    ["java\tscript:alert(1)", /control characters/],
    ["java\nscript:alert(1)", /control characters/],
    [" https://example.org/", /starts or ends with whitespace/],
    ["https://example.org/\u00a0", /starts or ends with whitespace/],
    ["https://example.org/\u0000", /control characters/],
    ["https://example.org/\u0085x", /control characters/],
    ["https://exa mple.org/", /whitespace/],
    ["//evil.example/", /protocol-relative/],
    ["https:\\\\evil.example/", /backslash/],
    ["https://evil.example\\@good.example/", /backslash/],
    ["https:evil.example", /must have \/\/ after the scheme/],
    ["https:/evil.example", /must have \/\/ after the scheme/],
    ["example.org/page", /no scheme/],
    ["https://user:pass@example.org/", /credentials/],
    ["https://user@example.org/", /credentials/],
    ["https://@example.org/", /credentials/],
    ["https://", /no host/],
    ["https:///path", /no host/],
    ["https://example.org:99999/", /not a valid URL/],
    ["https://exa<mple.org/", /not a valid URL/],
    [`https://example.org/${"a".repeat(2030)}`, /2050 characters long; the limit is 2048/],
  ])("%j", (input, reason) => expectRefused(validateWidgetUrl(input), reason));

  it.each([
    ["http://localhost/", /localhost/],
    ["http://LOCALHOST:8080/", /localhost/],
    ["http://localhost./", /localhost/],
    ["http://pads.localhost/", /localhost/],
    ["http://127.0.0.1/", /127\.0\.0\.1, a loopback/],
    ["http://127.255.0.9/", /loopback/],
    ["http://2130706433/", /127\.0\.0\.1, a loopback/],
    ["http://0x7f.1/", /127\.0\.0\.1, a loopback/],
    ["http://0177.0.0.1/", /127\.0\.0\.1, a loopback/],
    ["http://0x7f000001/", /127\.0\.0\.1, a loopback/],
    ["http://10.1.2.3/", /private-network/],
    ["http://172.16.0.1/", /private-network/],
    ["http://172.31.255.254/", /private-network/],
    ["http://192.168.1.1/", /private-network/],
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254, a link-local/],
    ["http://0.0.0.0/", /an unspecified/],
    ["http://0.1.2.3/", /unspecified/],
    ["http://100.64.0.1/", /carrier-grade NAT/],
    ["http://100.127.255.1/", /carrier-grade NAT/],
    ["http://[::1]/", /::1, a loopback/],
    ["http://[::]/", /unspecified/],
    ["http://[fc00::1]/", /unique-local/],
    ["http://[fd12:3456::1]/", /unique-local/],
    ["http://[fe80::1]/", /link-local/],
    ["http://[::ffff:127.0.0.1]/", /127\.0\.0\.1, a loopback/],
    ["http://[::ffff:10.0.0.1]/", /10\.0\.0\.1, a private-network/],
    ["http://[::ffff:a9fe:a9fe]/", /169\.254\.169\.254, a link-local/],
    ["http://224.0.0.1/", /multicast/],
    ["http://255.255.255.255/", /broadcast/],
  ])("%s with refusePrivateAddresses", (input, reason) =>
    expectRefused(validateWidgetUrl(input, PRIVATE), reason),
  );

  it("honours a custom maxLength", () => {
    expect(validateWidgetUrl("https://example.org/abc", { maxLength: 10 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/limit is 10/),
    });
  });

  itRefusesNonStrings(validateWidgetUrl, [null, 42, {}]);
});

describe("validateHost", () => {
  it.each([
    ["meet.example.org", "meet.example.org"],
    ["MEET.Example.ORG", "meet.example.org"],
    ["localhost:8443", "localhost:8443"],
    ["meet.example.org:443", "meet.example.org:443"],
    ["[::1]:8443", "[::1]:8443"],
  ])("accepts %s", (input, expected) => expectAccepted(validateHost(input), expected));

  it.each([
    ["", /empty/],
    ["https://meet.example.org", /looks like a URL/],
    ["meet.example.org/room", /looks like a URL/],
    ["user@meet.example.org", /looks like a URL/],
    ["meet.example.org:0", /port 0/],
    ["meet.example.org:70000", /port 70000/],
    ["meet example.org", /whitespace/],
    ["meet.example.org:abc", /not a valid host/],
  ])("refuses %j", (input, reason) => expectRefused(validateHost(input), reason));
});
