/** `atrium:calls jitsi`: the seed's calls only; nothing of MatrixRTC is deployed or advertised. */
import { parse } from "yaml";
import { runProgram, type CapturedResource } from "./test-support/mock-stack";
import { StackView } from "./test-support/stack-view";
import { MINIMAL_CONFIG } from "./test-support/config";

let resources: CapturedResource[];
let outputs: Record<string, unknown>;

beforeAll(async () => {
  ({ resources, outputs } = await runProgram({
    ...MINIMAL_CONFIG,
    calls: "jitsi",
  }));
}, 30000);

const view = (): StackView => new StackView(resources);
const yamlOf = (name: string, file: string): Record<string, unknown> =>
  parse(view().upload(name, file)) as Record<string, unknown>;

it("runs no SFU and publishes none of its ports", () => {
  expect(
    view()
      .containers()
      .map((c) => c.name),
  ).not.toContain("livekit");
  expect(outputs.publicPorts).not.toEqual(expect.arrayContaining(["7881/tcp"]));
  expect(outputs.publicPorts).not.toEqual(expect.arrayContaining(["7882/udp"]));
});

it("leaves the appservice's calls, Synapse's MatrixRTC settings and the registration keys off", () => {
  expect(yamlOf("appservice", "/config/config.yaml").calls).toBeUndefined();
  const hs = yamlOf("synapse", "/config/homeserver.yaml");
  for (const key of ["experimental_features", "matrix_rtc", "max_event_delay_duration"])
    expect(hs[key]).toBeUndefined();
  const registration = yamlOf("synapse", "/config/atrium-registration.yaml");
  expect(registration["io.element.msc4512.proxy_prefix"]).toBeUndefined();
});

it("advertises no focus and keeps Element Web on Jitsi", () => {
  const caddyfile = view().upload("proxy", "/etc/caddy/Caddyfile");
  expect(caddyfile).not.toContain("rtc_foci");
  expect(caddyfile).not.toContain("sfu.example.org");
  const element = JSON.parse(view().upload("element-web", "/app/config.json")) as Record<
    string,
    unknown
  >;
  expect(element.element_call).toBeUndefined();
  expect(element.features).toBeUndefined();
});
