/** The homeserver options both homeserver tests render (pure and started by Synapse). */
import { join } from "node:path";
import type { HomeserverOptions } from "../render/homeserver";

export const secrets = {
  turn: "turn-secret-for-the-homeserver-test",
  registration: "registration-secret-for-the-test",
  asToken: "as-token-for-the-homeserver-test-0",
  hsToken: "hs-token-for-the-homeserver-test-0",
};

export function homeserverOptions(dir: string, port: number): HomeserverOptions {
  return {
    serverName: "example.org",
    publicBaseUrl: `http://127.0.0.1:${port}/`,
    listener: { port, bindAddresses: ["127.0.0.1"] },
    database: { kind: "sqlite", path: join(dir, "homeserver.db") },
    paths: {
      signingKey: join(dir, "signing.key"),
      mediaStore: join(dir, "media"),
      registrations: [join(dir, "atrium-registration.yaml")],
    },
    turn: { uris: ["turn:turn.example.org:3478?transport=udp"], sharedSecret: secrets.turn },
    registrationSharedSecret: secrets.registration,
    macaroonSecretKey: "macaroon-secret-key-for-the-test",
    formSecret: "form-secret-for-the-homeserver-test",
  };
}
