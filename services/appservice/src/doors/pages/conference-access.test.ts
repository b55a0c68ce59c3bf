import { verifyJitsiJwt } from "@atrium/jitsi";
import type { AtriumConfig } from "../../config/schema";
import {
  CONFERENCE_TOKEN_SECONDS,
  openConference,
  type ConferenceAccessDeps,
} from "./conference-access";
import {
  fakeGateway,
  fakeOpenId,
  fakeStore,
  openRequest,
  padRow,
  ROOM,
} from "./test-support/fakes";

const SECRET = "x".repeat(40);
const CONF = "EFXHE33PNU5GK6DBNVYGYZJONZSXI";
const NOW = Date.now();
const jitsi = (auth: "jwt" | "matrix"): AtriumConfig["jitsi"] => ({
  domain: "meet.example.org",
  auth,
  jwtAppId: "atrium",
  jwtSecret: SECRET,
  autoConference: false,
});

function deps(auth: "jwt" | "matrix" = "jwt", archived = false): ConferenceAccessDeps {
  return {
    config: { jitsi: jitsi(auth) },
    store: fakeStore([
      padRow({
        widget_id: "conf",
        kind: "jitsi",
        pad_id: null,
        conference_id: CONF,
        archived_at: archived ? 1 : null,
      }),
    ]),
    gateway: fakeGateway({
      members: {
        "@alice:example.org": { membership: "join", displayname: "Alice" },
        "@mod:example.org": "join",
        "@gone:example.org": "leave",
      },
      powerLevels: { users: { "@mod:example.org": 50 } },
    }),
    openid: fakeOpenId(),
    now: () => NOW,
  };
}
const req = (user: string, widgetId = "conf") => openRequest(user, widgetId);

describe("openConference", () => {
  it.each([
    ["a member joins as a participant", "@alice:example.org", "Alice", "false"],
    ["a moderator joins as a moderator", "@mod:example.org", "@mod:example.org", "true"],
  ])("%s, with a token for this room only", async (_name, user, name, moderator) => {
    const grant = await openConference(deps(), req(user));
    const url = new URL(grant.url);
    expect(`${url.origin}${url.pathname}`).toBe(`https://meet.example.org/${CONF}`);
    const jwt = url.searchParams.get("jwt") ?? "";
    const checked = await verifyJitsiJwt(jwt, {
      secret: SECRET,
      appId: "atrium",
      domain: "meet.example.org",
      room: CONF,
      now: new Date(NOW),
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.claims.room).toBe(CONF);
    expect(checked.claims.exp - checked.claims.iat).toBe(CONFERENCE_TOKEN_SECONDS);
    expect(checked.claims.context.user).toMatchObject({ id: user, name, moderator });
  });

  it.each<[string, ConferenceAccessDeps, ReturnType<typeof req>, number, string]>([
    ["a user who left", deps(), req("@gone:example.org"), 403, "M_FORBIDDEN"],
    [
      "a forged token",
      deps(),
      { roomId: ROOM, widgetId: "conf", openid: { access_token: "forged" } },
      401,
      "M_UNKNOWN_TOKEN",
    ],
    ["an unknown widget", deps(), req("@alice:example.org", "nope"), 404, "M_NOT_FOUND"],
    ["a removed conference", deps("jwt", true), req("@alice:example.org"), 404, "M_NOT_FOUND"],
    [
      "a deployment without jwt auth",
      deps("matrix"),
      req("@alice:example.org"),
      404,
      "M_UNRECOGNIZED",
    ],
  ])("refuses %s", async (_name, d, r, status, errcode) => {
    await expect(openConference(d, r)).rejects.toMatchObject({ status, errcode });
  });
});
