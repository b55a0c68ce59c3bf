/**
 * An Element-equivalent user: matrix-js-sdk (ESM, loaded with import()) with its Rust crypto,
 * the crypto stack Element uses. It syncs, encrypts what it sends in encrypted rooms and
 * decrypts what it receives, with its keys in memory (one test process, one identity).
 */
import type { RegisteredUser } from "./users";
import { waitFor } from "./wait";

type Sdk = typeof import("matrix-js-sdk");
type Client = import("matrix-js-sdk").MatrixClient;
type Event = import("matrix-js-sdk").MatrixEvent;

export const MEGOLM = "m.megolm.v1.aes-sha2";

let sdkLoaded: Promise<Sdk> | undefined;

async function loadSdk(): Promise<Sdk> {
  sdkLoaded ??= (async () => {
    const { logger } = await import("matrix-js-sdk/lib/logger.js");
    // The SDK logs every request at debug; keep the test output for failures.
    (logger as unknown as { setLevel(level: string): void }).setLevel("error");
    return import("matrix-js-sdk");
  })();
  return sdkLoaded;
}

/** A message as the user's client shows it (after decryption). */
export interface SeenMessage {
  eventId: string;
  sender: string;
  body: string;
  msgtype: string;
  /** It was sent encrypted. */
  encrypted: boolean;
  /** It was encrypted and could not be decrypted. */
  failed: boolean;
  /** Why it could not be decrypted (the SDK's reason), or null. */
  failure: string | null;
}

/**
 * The client's outgoing to-device messages (room keys), which a test may hold back: the client
 * is told they were sent, and they reach the homeserver only when released (a key that arrives
 * after its message), or never.
 */
class ToDeviceValve {
  holding = false;
  private readonly held: Array<{ url: string; init: RequestInit }> = [];

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (this.holding && init?.method === "PUT" && url.includes("/sendToDevice/")) {
      this.held.push({
        url,
        init: { method: init.method, headers: init.headers, body: init.body },
      });
      return new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });
    }
    return fetch(input, init);
  };

  /** Sends what was held back; returns how many requests. */
  async release(): Promise<number> {
    const held = this.held.splice(0);
    for (const { url, init } of held) {
      const response = await fetch(url, init);
      if (!response.ok) throw new Error(`releasing a to-device message: HTTP ${response.status}`);
    }
    return held.length;
  }

  /** Forgets what was held back: those keys never arrive. */
  drop(): number {
    return this.held.splice(0).length;
  }
}

export class E2eeUser {
  private constructor(
    readonly client: Client,
    readonly userId: string,
    /** Holds back this client's room keys when a test asks (`toDevice.holding = true`). */
    readonly toDevice: ToDeviceValve,
  ) {}

  /** Logs `user` in with its access token and device, sets up Rust crypto, starts syncing. */
  static async start(homeserverUrl: string, user: RegisteredUser): Promise<E2eeUser> {
    const sdk = await loadSdk();
    const toDevice = new ToDeviceValve();
    const client = sdk.createClient({
      baseUrl: homeserverUrl,
      userId: user.userId,
      deviceId: user.deviceId,
      accessToken: user.accessToken,
      fetchFn: toDevice.fetch,
    });
    await client.initRustCrypto({ useIndexedDB: false });
    const prepared = new Promise<void>((resolve) => {
      const onSync = (state: string) => {
        if (state === "PREPARED" || state === "SYNCING") {
          client.off(sdk.ClientEvent.Sync, onSync);
          resolve();
        }
      };
      client.on(sdk.ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 20 });
    await prepared;
    return new E2eeUser(client, user.userId, toDevice);
  }

  /** Creates an encrypted private room with `invite` invited; returns its id. */
  async createEncryptedRoom(invite: string[], name = "Encrypted"): Promise<string> {
    const { room_id } = await this.client.createRoom({
      preset: "private_chat" as never,
      name,
      invite,
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }],
    });
    await waitFor(`the client knows room ${room_id}`, async () =>
      this.client.getRoom(room_id) ? true : undefined,
    );
    return room_id;
  }

  /** Waits until `userId` is joined to the room, as this client sees it. */
  async waitForJoin(roomId: string, userId: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${userId} joins ${roomId}`,
      async () =>
        this.client.getRoom(roomId)?.getMember(userId)?.membership === "join" ? true : undefined,
      { timeoutMs },
    );
  }

  /** Sends a text message (encrypted in an encrypted room); returns its event id. */
  async send(roomId: string, body: string): Promise<string> {
    const { event_id } = await this.client.sendTextMessage(roomId, body);
    return event_id;
  }

  /** The room's messages as this client sees them, oldest first. */
  messages(roomId: string): SeenMessage[] {
    const events = this.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
    return events.filter((e) => e.getType() === "m.room.message" || e.isEncrypted()).map(seen);
  }

  /** Waits for a message from `sender` after `afterEventId` (or any) that `match` accepts. */
  async waitForMessage(
    roomId: string,
    match: (m: SeenMessage) => boolean,
    timeoutMs = 30_000,
  ): Promise<SeenMessage> {
    return waitFor(
      "a matching message",
      async () => {
        const room = this.client.getRoom(roomId);
        if (!room) return undefined;
        const events = room.getLiveTimeline().getEvents();
        // Decryption is asynchronous: wait for it to settle before matching.
        await Promise.all(events.map((e) => e.getDecryptionPromise?.() ?? Promise.resolve()));
        return this.messages(roomId).find(match);
      },
      {
        timeoutMs,
        describeLast: () =>
          `the room's last messages: ${JSON.stringify(
            this.messages(roomId)
              .slice(-5)
              .map((m) => ({ ...m, body: m.body.slice(0, 60) })),
          )}`,
      },
    );
  }

  /** The identity keys the homeserver publishes for a user's devices (a fresh query). */
  async deviceKeys(userId: string): Promise<Record<string, { ed25519?: string }>> {
    const answer = (await this.client.http.authedRequest(
      "POST" as never,
      "/keys/query",
      undefined,
      { device_keys: { [userId]: [] } },
    )) as { device_keys?: Record<string, Record<string, { keys?: Record<string, string> }>> };
    const devices = answer.device_keys?.[userId] ?? {};
    return Object.fromEntries(
      Object.entries(devices).map(([id, d]) => [id, { ed25519: d.keys?.[`ed25519:${id}`] }]),
    );
  }

  async stop(): Promise<void> {
    this.client.stopClient();
  }
}

function seen(e: Event): SeenMessage {
  const content = e.getContent() as { body?: unknown; msgtype?: unknown };
  return {
    eventId: e.getId() ?? "",
    sender: e.getSender() ?? "",
    body: typeof content.body === "string" ? content.body : "",
    msgtype: typeof content.msgtype === "string" ? content.msgtype : "",
    encrypted: e.isEncrypted(),
    failed: e.isDecryptionFailure(),
    failure: e.decryptionFailureReason ?? null,
  };
}
