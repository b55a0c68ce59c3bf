/** What `start()` is asked for and gives back (the CLI and the tests hold these). */
import type { Store } from "../store/store";

export interface AtriumHandle {
  /** Base URL of the appservice API listener. */
  appserviceUrl: string;
  /** Base URL of the public web listener (widget pages, /verify). */
  webUrl: string;
  /** Base URL of the integration manager's listener, when configured. */
  imUrl: string | null;
  botUserId: string;
  /** The bot's device (encryption on), else null. */
  deviceId: string | null;
  store: Store;
  stop(): Promise<void>;
}

/** How `start` runs beyond config and registration. */
export interface StartOptions {
  /**
   * The crypto store was moved aside (`--reset-crypto`): make new cross-signing keys for the
   * new device even though the homeserver has some.
   */
  resetCrypto?: boolean;
}
