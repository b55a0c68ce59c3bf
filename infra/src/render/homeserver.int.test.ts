import { createHmac } from "node:crypto";
import {
  homeserverOptions,
  secrets,
  startLocalSynapse,
  testRegistrationYaml,
} from "../test-support/homeserver-options";
import { freePort, tempDir, type Running } from "../test-support/process";

describe("homeserver.yaml and registration.yaml started by a local Synapse", () => {
  let synapse: Running;
  let base: string;

  beforeAll(async () => {
    const dir = tempDir("synapse");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    synapse = await startLocalSynapse(
      dir,
      homeserverOptions(dir, port),
      testRegistrationYaml(`http://127.0.0.1:${await freePort()}`),
    );
  }, 90000);

  afterAll(async () => {
    await synapse?.stop();
  });

  it("answers the client API", async () => {
    const res = await fetch(`${base}/_matrix/client/versions`);
    expect(res.status).toBe(200);
  });

  it("accepts the registration's as_token for the appservice's hidden sender, not the bot", async () => {
    // The bot (@atrium) is a namespaced user the appservice acts as (it needs a device and a
    // /sync of its own for encryption); the token alone is the technical sender.
    const res = await fetch(`${base}/_matrix/client/v3/account/whoami`, {
      headers: { Authorization: `Bearer ${secrets.asToken}` },
    });
    expect(await res.json()).toEqual(
      expect.objectContaining({ user_id: "@atrium_appservice:example.org" }),
    );
  });

  it("hands out TURN credentials derived from the shared secret coturn uses", async () => {
    const res = await fetch(`${base}/_matrix/client/v3/voip/turnServer`, {
      headers: { Authorization: `Bearer ${secrets.asToken}` },
    });
    const body = (await res.json()) as { username: string; password: string; uris: string[] };
    expect(body.uris).toEqual(["turn:turn.example.org:3478?transport=udp"]);
    expect(body.password).toBe(
      createHmac("sha1", secrets.turn).update(body.username).digest("base64"),
    );
  });

  it("registers the first admin with the registration shared secret (register_new_matrix_user's API)", async () => {
    const url = `${base}/_synapse/admin/v1/register`;
    const { nonce } = (await (await fetch(url)).json()) as { nonce: string };
    const mac = createHmac("sha1", secrets.registration)
      .update([nonce, "admin", "a-long-admin-password", "admin"].join("\0"))
      .digest("hex");
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        nonce,
        username: "admin",
        password: "a-long-admin-password",
        admin: true,
        mac,
      }),
    });
    expect(await res.json()).toEqual(expect.objectContaining({ user_id: "@admin:example.org" }));
  });
});
