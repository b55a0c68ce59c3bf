/**
 * The homeserver.yaml keys a MatrixRTC (Element Call) deployment needs, for the test and dev
 * Synapse, as Synapse 1.163.2 reads them:
 *
 * - `experimental_features`: `msc4143_enabled` (`/rtc/transports`), `msc4222_enabled`,
 *   `msc4512_enabled` (the appservice proxy that forwards `get_token` to Atrium),
 *   `msc4502_enabled` (`is_joined` for rooms without Atrium's bot). `msc3266_enabled` is not
 *   read any more by 1.163.2 (`synapse/config/experimental.py`: the room summary is stable).
 * - `max_event_delay_duration: 24h` (delayed leave events, MSC4140).
 * - `matrix_rtc.transports` (`synapse/config/matrixrtc.py`: `url` and/or the deprecated
 *   `livekit_service_url`).
 * - `extra_well_known_client_content`: the `org.matrix.msc4143.rtc_foci` entry of
 *   `/.well-known/matrix/client`, which Synapse serves itself when `public_baseurl` is set.
 */

export interface MatrixRtcHomeserverOptions {
  /** The SFU's websocket URL clients connect to. */
  sfuUrl: string;
  /** Where the legacy flow posts `/sfu/get`: `<web.publicUrl>/atrium/rtc`. */
  livekitServiceUrl: string;
}

/** Top-level homeserver.yaml keys (pass as `synapseConfig`/`extraConfig`). */
export function matrixRtcHomeserverConfig(o: MatrixRtcHomeserverOptions): Record<string, unknown> {
  return {
    experimental_features: {
      msc4143_enabled: true,
      msc4222_enabled: true,
      msc4512_enabled: true,
      msc4502_enabled: true,
    },
    max_event_delay_duration: "24h",
    matrix_rtc: {
      transports: [{ type: "livekit", url: o.sfuUrl, livekit_service_url: o.livekitServiceUrl }],
    },
    extra_well_known_client_content: {
      "org.matrix.msc4143.rtc_foci": [
        { type: "livekit", livekit_service_url: o.livekitServiceUrl },
      ],
    },
  };
}
