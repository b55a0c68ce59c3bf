import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, runProgram, startProgram, tempDir, type Running } from "../test-support/process";
import { DENIED_PEER_RANGES, renderTurnserverConf, type TurnserverOptions } from "./turnserver";

const SECRET = "turn-test-shared-secret-0123456789";

/** Time-limited TURN credentials exactly as Synapse derives them from turn_shared_secret. */
function synapseCredentials(
  secret: string,
  userId: string,
): { username: string; password: string } {
  const username = `${Math.floor(Date.now() / 1000) + 3600}:${userId}`;
  return { username, password: createHmac("sha1", secret).update(username).digest("base64") };
}

/**
 * Starts Debian's coturn on loopback with a rendered turnserver.conf (the shared secret,
 * `listeningPort` and the relay range given) in its own folder.
 */
async function startTurn(
  tag: string,
  o: Pick<TurnserverOptions, "listeningPort" | "relayMinPort" | "relayMaxPort" | "externalIp">,
): Promise<Running> {
  const dir = tempDir(tag);
  const file = join(dir, "turnserver.conf");
  writeFileSync(
    file,
    renderTurnserverConf({
      realm: "example.org",
      sharedSecret: SECRET,
      listeningIps: ["127.0.0.1"],
      pidFile: join(dir, "turnserver.pid"),
      ...o,
    }),
  );
  return startProgram(
    "turnserver",
    ["-c", file, "--db", join(dir, "turndb")],
    /Total General servers/,
  );
}

describe("turnserver.conf run by Debian's coturn on loopback", () => {
  let turn: Running;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const relayMin = await freePort();
    turn = await startTurn("turn", {
      listeningPort: port,
      relayMinPort: relayMin,
      relayMaxPort: relayMin + 10,
    });
  }, 20000);

  afterAll(async () => {
    await turn?.stop();
  });

  it("loads every denied range", () => {
    for (const range of DENIED_PEER_RANGES)
      expect(turn.output()).toContain(`Black listing: ${range}`);
  });

  it("answers a STUN binding request", async () => {
    const res = await runProgram("turnutils_stunclient", ["-p", String(port), "127.0.0.1"]);
    expect(res.stdout + res.stderr).toMatch(/UDP reflexive addr: 127\.0\.0\.1:\d+/);
  });

  it.each([
    ["Synapse's credentials", SECRET, /channel bind: error 403 \(Forbidden IP\)/],
    [
      "credentials from another secret",
      "some-other-secret-0123456789",
      /Cannot complete Allocation/,
    ],
  ])(
    "allocation with %s",
    async (_name, secret, expected) => {
      const { username, password } = synapseCredentials(secret, "@alice:example.org");
      // Allocation succeeds only with the shared secret; relaying to loopback is then refused.
      const res = await runProgram("turnutils_uclient", [
        ...["-p", String(port), "-u", username, "-w", password],
        ...["-y", "-n", "1", "-m", "1", "-e", "127.0.0.1", "127.0.0.1"],
      ]);
      expect(res.stdout + res.stderr).toMatch(expected);
    },
    15000,
  );
});

describe("turnserver.conf with the host's public address", () => {
  it("lets the relay reach that address despite its denied range", async () => {
    const own = await startTurn("turn-own", {
      listeningPort: await freePort(),
      relayMinPort: 50100,
      relayMaxPort: 50110,
      // A TEST-NET-1 (denied) address standing in for the host's own public IP.
      externalIp: "192.0.2.7",
    });
    try {
      expect(own.output()).toMatch(/White listing: 192\.0\.2\.7/);
      expect(own.output()).toContain("Black listing: 100::-100::ffff:ffff:ffff:ffff");
    } finally {
      await own.stop();
    }
  }, 20000);
});
