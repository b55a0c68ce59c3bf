/**
 * Issue 22 item 11: the userinfo call to a foreign server follows no redirect (its address was
 * checked, a redirect target would not be) and never repeats the upstream status to the user.
 * Real loopback servers and the real `fetch`; the resolver stands in for server discovery
 * with the private-federation allowance on (loopback is refused otherwise).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AccessError } from "../../matrix/access-error";
import { OpenIdVerifier } from "./openid";

let foreign: http.Server;
let internal: http.Server;
let internalHits = 0;
let answer: (res: http.ServerResponse) => void = (res) => res.end();

const portOf = (s: http.Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  internal = http.createServer((_req, res) => {
    internalHits++;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ sub: "@bob:friends.net" }));
  });
  foreign = http.createServer((_req, res) => answer(res));
  await new Promise<void>((r) => internal.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => foreign.listen(0, "127.0.0.1", r));
});

afterAll(async () => {
  await new Promise((r) => foreign.close(r));
  await new Promise((r) => internal.close(r));
});

function verifier(): OpenIdVerifier {
  return new OpenIdVerifier({
    localServer: "example.org",
    localFederationUrl: "http://127.0.0.1:1",
    allowedServers: ["example.org", "friends.net"],
    resolve: async () => `http://127.0.0.1:${portOf(foreign)}`,
  });
}

async function refusal(): Promise<AccessError> {
  const error = await verifier()
    .verify({ access_token: "tok", matrix_server_name: "friends.net" })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AccessError);
  return error as AccessError;
}

it.each([301, 302, 307, 308])(
  "refuses a %i redirect from a foreign server without following it",
  async (status) => {
    internalHits = 0;
    answer = (res) => {
      res.statusCode = status;
      res.setHeader("location", `http://127.0.0.1:${portOf(internal)}/userinfo`);
      res.end();
    };
    const error = await refusal();
    expect(error.status).toBe(502);
    expect(error.message).not.toMatch(new RegExp(String(status)));
    expect(internalHits).toBe(0);
  },
);

it("does not repeat the foreign server's status in the error", async () => {
  answer = (res) => {
    res.statusCode = 418;
    res.end("I'm a teapot");
  };
  const error = await refusal();
  expect(error.status).toBe(502);
  expect(error.message).toMatch(/friends\.net/);
  expect(error.message).not.toMatch(/418|teapot/);
});
