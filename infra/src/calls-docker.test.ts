/**
 * `atrium:calls` on the Docker target, default (`both`): the SFU, its routes and the settings
 * every other part needs to agree on, in one mocked program run.
 */
import { parse } from "yaml";
import { leaks, plain, runProgram, type CapturedResource } from "./test-support/mock-stack";
import { StackView } from "./test-support/stack-view";
import { MINIMAL_CONFIG } from "./test-support/config";

let resources: CapturedResource[];
let outputs: Record<string, unknown>;

beforeAll(async () => {
  ({ resources, outputs } = await runProgram(MINIMAL_CONFIG));
}, 30000);

const view = (): StackView => new StackView(resources);
const yamlOf = <T = Record<string, unknown>>(name: string, file: string): T =>
  parse(view().upload(name, file)) as T;

interface AppserviceCalls {
  calls: {
    enabled: boolean;
    livekit: { url: string; apiUrl: string; apiKey: string; apiSecret: string };
  };
}
const LIVEKIT = ["livekit", "/etc/livekit/livekit.yaml"] as const;
const APPSERVICE = ["appservice", "/config/config.yaml"] as const;

describe("the LiveKit SFU (atrium:calls both, the default)", () => {
  it("runs the pinned livekit-server with its rendered config", () => {
    const sfu = view().container("livekit");
    expect(plain(sfu.inputs.command)).toEqual(["--config", "/etc/livekit/livekit.yaml"]);
    const image = view()
      .ofType("docker:index/remoteImage:RemoteImage")
      .find((i) => i.name === "livekit-image");
    expect(image?.inputs.name).toBe("livekit/livekit-server:v1.13.5");
    expect(sfu.inputs.image).toBe("sha256:livekit-image");
  });

  it("advertises the host's public IP and sends its webhooks to the appservice", () => {
    const config = yamlOf(...LIVEKIT);
    expect(config.rtc).toEqual({
      tcp_port: 7881,
      udp_port: 7882,
      use_external_ip: false,
      node_ip: "203.0.113.10",
    });
    expect(config.room).toEqual({ auto_create: false });
    expect(config.webhook).toEqual({
      api_key: "atrium",
      urls: ["http://atrium-appservice:9001/atrium/rtc/webhook"],
    });
  });

  it("shares one generated API secret with the appservice, never in clear", () => {
    const [secret] = view()
      .generatedSecrets()
      .filter((s) => s.includes("livekitApiSecret"));
    expect(secret).toBeDefined();
    const sfuKeys = yamlOf<{ keys: Record<string, string> }>(...LIVEKIT).keys;
    expect(sfuKeys.atrium).toContain(secret);
    const calls = yamlOf<AppserviceCalls>(...APPSERVICE).calls;
    expect(calls.livekit.apiKey).toBe("atrium");
    expect(calls.livekit.apiSecret).toBe(sfuKeys.atrium);
    const found = resources.flatMap((r) => leaks(r.inputs, [secret ?? "?"], r.name));
    expect(found).toEqual([]);
  });

  it("publishes ICE (7881/tcp, 7882/udp) and lists the ports to open", () => {
    expect(outputs.publicPorts).toEqual(expect.arrayContaining(["7881/tcp", "7882/udp"]));
  });
});

describe("the parts that must agree with the SFU", () => {
  it("turns the appservice's calls on with the SFU's public and private URLs", () => {
    const calls = yamlOf<AppserviceCalls>(...APPSERVICE).calls;
    expect(calls.enabled).toBe(true);
    expect(calls.livekit.url).toBe("wss://sfu.example.org");
    expect(calls.livekit.apiUrl).toBe("http://atrium-livekit:7880");
  });

  it("lets Synapse forward get_token to the appservice (registration and homeserver.yaml)", () => {
    const registration = yamlOf("synapse", "/config/atrium-registration.yaml");
    expect(registration["io.element.msc4512.proxy_prefix"]).toBe("rtc/livekit");
    expect(registration["io.element.msc4512.proxy_url"]).toBe("http://atrium-appservice:9000");
    const hs = yamlOf("synapse", "/config/homeserver.yaml");
    expect(hs.experimental_features).toEqual({
      msc4143_enabled: true,
      msc4222_enabled: true,
      msc4512_enabled: true,
      msc4502_enabled: true,
    });
    expect(hs.matrix_rtc).toEqual({
      transports: [
        {
          type: "livekit",
          url: "wss://sfu.example.org",
          livekit_service_url: "https://pad.example.org/atrium/rtc",
        },
      ],
    });
    expect(hs.max_event_delay_duration).toBe("24h");
    expect(hs.rc_message).toEqual({ per_second: 0.5, burst_count: 30 });
    expect(hs.rc_delayed_event_mgmt).toEqual({ per_second: 1, burst_count: 20 });
  });

  it("routes the SFU's host to its signalling only and advertises the focus in well-known", () => {
    const caddyfile = view().upload("proxy", "/etc/caddy/Caddyfile");
    expect(caddyfile).toContain("sfu.example.org {");
    expect(caddyfile).toContain("reverse_proxy atrium-livekit:7880");
    expect(caddyfile).toContain(
      '"org.matrix.msc4143.rtc_foci":[{"type":"livekit","livekit_service_url":"https://pad.example.org/atrium/rtc"}]',
    );
  });

  it("makes Element Call Element Web's call button", () => {
    const config = JSON.parse(view().upload("element-web", "/app/config.json")) as Record<
      string,
      unknown
    >;
    expect(config.element_call).toEqual({ use_exclusively: true, brand: "Atrium Call" });
    expect(config.features).toMatchObject({
      feature_group_calls: true,
      feature_video_rooms: true,
      feature_element_call_video_rooms: true,
    });
    // Jitsi stays for !meet and the Conference card.
    expect(config.jitsi).toEqual({ preferred_domain: "meet.example.org" });
  });
});
