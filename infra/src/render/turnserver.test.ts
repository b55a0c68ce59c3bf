import { DENIED_PEER_RANGES, renderTurnserverConf, type TurnserverOptions } from "./turnserver";

const SECRET = "turn-test-shared-secret-0123456789";

/** turnserver.conf for example.org on 3478 with the relay range `min`..`max`. */
const confFor = (min: number, max: number, more: Partial<TurnserverOptions> = {}): string =>
  renderTurnserverConf({
    realm: "example.org",
    sharedSecret: SECRET,
    listeningPort: 3478,
    relayMinPort: min,
    relayMaxPort: max,
    ...more,
  });

describe("renderTurnserverConf", () => {
  const conf = confFor(49160, 49200, { externalIp: "203.0.113.10" });

  it.each([
    "use-auth-secret",
    `static-auth-secret=${SECRET}`,
    "realm=example.org",
    "no-tcp-relay",
    "min-port=49160",
    "max-port=49200",
    "external-ip=203.0.113.10",
    "user-quota=12",
    // 41 relay ports: one allocation each, so 41 is the most there can ever be.
    "total-quota=41",
    "allowed-peer-ip=203.0.113.10",
  ])("contains %s", (line) => {
    expect(conf.split("\n")).toContain(line);
  });

  it.each([
    ["private 10/8", "10.0.0.0-10.255.255.255"],
    ["private 172.16/12 (Docker networks)", "172.16.0.0-172.31.255.255"],
    ["private 192.168/16", "192.168.0.0-192.168.255.255"],
    ["loopback", "127.0.0.0-127.255.255.255"],
    ["link-local and cloud metadata", "169.254.0.0-169.254.255.255"],
    ["CGNAT", "100.64.0.0-100.127.255.255"],
    ["IPv6 loopback", "::1"],
    ["IPv6 unique local", "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["IPv6 link-local", "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["IPv4-mapped IPv6", "::ffff:0.0.0.0-::ffff:255.255.255.255"],
    ["IPv6 discard-only 100::/64", "100::-100::ffff:ffff:ffff:ffff"],
  ])("denies %s", (_name, range) => {
    expect(DENIED_PEER_RANGES).toContain(range);
    expect(conf).toContain(`denied-peer-ip=${range}\n`);
  });
});

it("keeps the user quota within a small relay range", () => {
  const conf = confFor(50000, 50004);
  expect(conf.split("\n")).toEqual(expect.arrayContaining(["user-quota=5", "total-quota=5"]));
  expect(conf).not.toContain("allowed-peer-ip");
});
