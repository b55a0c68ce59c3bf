import { parse } from "yaml";
import { renderLivekitYaml, type LivekitOptions } from "./livekit";

/**
 * Every key path LiveKit documents in `config-sample.yaml` (livekit/livekit, commit
 * 539fdb1e08d1f206ddf41500062ddc0d4406a440, Apache-2.0), commented-out examples included,
 * transcribed by hand. `*` stands for a name of the operator's choosing (the API key), `[]` for
 * an item of a list. LiveKit refuses unknown keys (`decoder.KnownFields(strictMode)` in
 * `pkg/config/config.go`), so a key outside this list is a server that does not start.
 */
const DOCUMENTED_KEYS = new Set([
  "port",
  "prometheus_port",
  "region",
  "keys.*",
  ...["address", "db", "username", "password", "cluster_addresses"].map((k) => `redis.${k}`),
  ...["sentinel_master_name", "sentinel_addresses", "sentinel_username", "sentinel_password"].map(
    (k) => `redis.${k}`,
  ),
  ...["enabled", "insecure", "server_name", "ca_cert_file", "client_cert_file"].map(
    (k) => `redis.tls.${k}`,
  ),
  "redis.tls.client_key_file",
  ...[
    "port_range_start",
    "port_range_end",
    "tcp_port",
    "use_external_ip",
    "node_ip",
    "udp_port",
    "use_ice_lite",
    "stun_servers",
    "allow_tcp_fallback",
    "packet_buffer_size_video",
    "packet_buffer_size_audio",
    "enable_loopback_candidate",
    "use_mdns",
    "strict_acks",
    "data_channel_max_buffered_amount",
    "congestion_control.enabled",
    "congestion_control.allow_pause",
    "pli_throttle.low_quality",
    "pli_throttle.mid_quality",
    "pli_throttle.high_quality",
    "interfaces.includes",
    "interfaces.excludes",
    "ips.includes",
    "ips.excludes",
    "batch_io.batch_size",
    "batch_io.max_flush_interval",
    ...["host", "port", "protocol", "username", "credential"].map((k) => `turn_servers[].${k}`),
  ].map((k) => `rtc.${k}`),
  ...["level", "pion_level", "json", "sample"].map((k) => `logging.${k}`),
  ...[
    "auto_create",
    "empty_timeout",
    "departure_timeout",
    "max_participants",
    "enabled_codecs[].mime",
    "enable_remote_unmute",
    "playout_delay.enabled",
    "playout_delay.min",
    "playout_delay.max",
    "sync_streams",
  ].map((k) => `room.${k}`),
  "webhook.api_key",
  "webhook.urls",
  ...["retry_timeout", "min_retry_interval", "max_retry_interval", "stream_buffer_size"].map(
    (k) => `signal_relay.${k}`,
  ),
  ...["max_attempts", "timeout", "backoff", "buffer_size"].map((k) => `psrpc.${k}`),
  ...[
    "active_level",
    "min_percentile",
    "update_interval",
    "smooth_intervals",
    "active_red_encoding",
  ].map((k) => `audio.${k}`),
  ...[
    "enabled",
    "udp_port",
    "tls_port",
    "relay_range_start",
    "relay_range_end",
    "external_tls",
    "domain",
    "cert_file",
    "key_file",
  ].map((k) => `turn.${k}`),
  "ingress.rtmp_base_url",
  "ingress.whip_base_url",
  ...["kind", "sort_by", "algorithm", "sysload_limit"].map((k) => `node_selector.${k}`),
  ...["name", "lat", "lon"].map((k) => `node_selector.regions[].${k}`),
  ...[
    "num_tracks",
    "bytes_per_sec",
    "subscription_limit_video",
    "subscription_limit_audio",
    "max_metadata_size",
    "max_attributes_size",
    "max_room_name_length",
    "max_participant_identity_length",
  ].map((k) => `limit.${k}`),
]);

/** The key paths of a parsed YAML document (lists of scalars are leaves). */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) {
    const objects = value.filter((v) => typeof v === "object" && v !== null);
    if (objects.length === 0) return [prefix];
    return objects.flatMap((v) => keyPaths(v, `${prefix}[]`));
  }
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => {
    const name = prefix === "keys" ? "*" : k;
    return keyPaths(v, prefix === "" ? name : `${prefix}.${name}`);
  });
}

const undocumented = (yaml: string): string[] =>
  keyPaths(parse(yaml)).filter((p) => !DOCUMENTED_KEYS.has(p));

const SECRET = "s".repeat(40);
const options = (over: Partial<LivekitOptions> = {}): LivekitOptions => ({
  port: 7880,
  rtcTcpPort: 7881,
  rtcUdpPort: 7882,
  advertise: { ip: "203.0.113.10" },
  apiKey: "atrium",
  apiSecret: SECRET,
  webhookUrl: "http://atrium-appservice:9001/atrium/rtc/webhook",
  ...over,
});

describe("livekit.yaml", () => {
  it.each([
    ["a Docker host's public address", options()],
    ["a Kubernetes node's own address", options({ advertise: "node" })],
  ])("uses only keys LiveKit documents (%s)", (_name, o) => {
    expect(undocumented(renderLivekitYaml(o))).toEqual([]);
  });

  it("the key check names a key LiveKit does not know", () => {
    const typo = `${renderLivekitYaml(options())}rtc_udp_port: 7882\nroom_auto_create: false\n`;
    expect(undocumented(typo)).toEqual(["rtc_udp_port", "room_auto_create"]);
  });

  it("serves the ports Atrium publishes, rooms only through Atrium, webhooks to Atrium", () => {
    const config = parse(renderLivekitYaml(options())) as Record<string, Record<string, unknown>>;
    expect(config.port).toBe(7880);
    expect(config.rtc).toEqual({
      tcp_port: 7881,
      udp_port: 7882,
      use_external_ip: false,
      node_ip: "203.0.113.10",
    });
    expect(config.room).toEqual({ auto_create: false });
    expect(config.turn).toEqual({ enabled: false });
    expect(config.keys).toEqual({ atrium: SECRET });
    expect(config.webhook).toEqual({
      api_key: "atrium",
      urls: ["http://atrium-appservice:9001/atrium/rtc/webhook"],
    });
  });

  it("leaves the node address to NODE_IP on Kubernetes (no STUN to a third party)", () => {
    const rtc = (parse(renderLivekitYaml(options({ advertise: "node" }))) as { rtc: object }).rtc;
    expect(rtc).toEqual({ tcp_port: 7881, udp_port: 7882, use_external_ip: false });
  });

  it("refuses a secret LiveKit would refuse", () => {
    expect(() => renderLivekitYaml(options({ apiSecret: "short-secret" }))).toThrow(
      "at least 32 characters",
    );
  });
});
