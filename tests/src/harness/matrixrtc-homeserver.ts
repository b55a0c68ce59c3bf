/**
 * The homeserver.yaml keys a MatrixRTC (Element Call) deployment needs, for the test and dev
 * Synapse: the deployment's own (`matrixRtcSettings` of `@atrium/infra/render`: the MSC flags,
 * `matrix_rtc.transports`, delayed events), so the suite runs against what is deployed, and
 * `extra_well_known_client_content`, the `org.matrix.msc4143.rtc_foci` entry of
 * `/.well-known/matrix/client`, which Synapse serves itself when `public_baseurl` is set (in a
 * deployment the proxy serves it).
 */
import type { AtriumConfigInput } from "@atrium/appservice/dist/config/schema";
import { matrixRtcSettings } from "@atrium/infra/render";
import type { StartAtriumOptions } from "./atrium";

export interface MatrixRtcHomeserverOptions {
  /** The SFU's websocket URL clients connect to. */
  sfuUrl: string;
  /** Where the legacy flow posts `/sfu/get`: `<web.publicUrl>/atrium/rtc`. */
  livekitServiceUrl: string;
}

/** Top-level homeserver.yaml keys (pass as `synapseConfig`/`extraConfig`). */
export function matrixRtcHomeserverConfig(o: MatrixRtcHomeserverOptions): Record<string, unknown> {
  // The local Synapse keeps its unlimited rate limits (homeserver-yaml.ts): tests and benches
  // send faster than a person.
  const {
    rc_message: _message,
    rc_delayed_event_mgmt: _delayed,
    ...settings
  } = matrixRtcSettings(o);
  return {
    ...settings,
    extra_well_known_client_content: {
      "org.matrix.msc4143.rtc_foci": [
        { type: "livekit", livekit_service_url: o.livekitServiceUrl },
      ],
    },
  };
}

/** The SFU side a stack's calls point at (the stand-in's HTTP API and keys). */
export interface CallsSfu {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * `startAtrium` options for calls: Atrium's calls on, LiveKit at `sfuUrl` (clients) and `sfu`
 * (its HTTP API), and Synapse with the MatrixRTC settings a deployment gives it, pointing the
 * legacy flow at Atrium's web listener. `config` adjusts the rest of Atrium's config.
 */
export function callsStackOptions(
  sfuUrl: string,
  sfu: CallsSfu,
  config: (c: AtriumConfigInput) => AtriumConfigInput = (c) => c,
): StartAtriumOptions {
  return {
    config: (c) => ({
      ...config(c),
      calls: {
        enabled: true,
        livekit: { url: sfuUrl, apiUrl: sfu.url, apiKey: sfu.apiKey, apiSecret: sfu.apiSecret },
      },
    }),
    synapseConfig: (atrium) =>
      matrixRtcHomeserverConfig({
        sfuUrl,
        livekitServiceUrl: `${atrium.web.publicUrl}/atrium/rtc`,
      }),
  };
}
