/**
 * Sends what the OlmMachine asks for (keys upload/query/claim, to-device messages, signatures)
 * and tells it the answers. One pass at a time: a caller that asks while a pass runs gets a
 * new pass after it, so nothing the machine queued meanwhile is left behind.
 */
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "pino";
import type { DeviceHttp } from "./device-http";

/** The machine's request types this module sends, as the SDK's classes expose them. */
export type Outgoing =
  | sdk.KeysUploadRequest
  | sdk.KeysQueryRequest
  | sdk.KeysClaimRequest
  | sdk.ToDeviceRequest
  | sdk.SignatureUploadRequest
  | sdk.RoomMessageRequest
  | sdk.KeysBackupRequest;

const enc = encodeURIComponent;

/** Sends one request to its endpoint; returns the homeserver's answer as JSON text. */
export async function send(http: DeviceHttp, request: Outgoing): Promise<string> {
  let answer: unknown;
  if (request instanceof sdk.KeysUploadRequest) {
    answer = await http.request("POST", "/_matrix/client/v3/keys/upload", request.body);
  } else if (request instanceof sdk.KeysQueryRequest) {
    answer = await http.request("POST", "/_matrix/client/v3/keys/query", request.body);
  } else if (request instanceof sdk.KeysClaimRequest) {
    answer = await http.request("POST", "/_matrix/client/v3/keys/claim", request.body);
  } else if (request instanceof sdk.SignatureUploadRequest) {
    answer = await http.request("POST", "/_matrix/client/v3/keys/signatures/upload", request.body);
  } else if (request instanceof sdk.ToDeviceRequest) {
    answer = await http.request(
      "PUT",
      `/_matrix/client/v3/sendToDevice/${enc(request.event_type)}/${enc(request.txn_id)}`,
      request.body,
    );
  } else if (request instanceof sdk.RoomMessageRequest) {
    answer = await http.request(
      "PUT",
      `/_matrix/client/v3/rooms/${enc(request.room_id)}/send/${enc(request.event_type)}/${enc(request.txn_id)}`,
      request.body,
    );
  } else {
    // Key backup is not used: the store file (and its backups) is the bot's only key store.
    answer = {};
  }
  return JSON.stringify(answer ?? {});
}

export class OutgoingRequests {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly machine: sdk.OlmMachine,
    private readonly http: DeviceHttp,
    private readonly log: Logger,
  ) {}

  /** Sends everything the machine has queued; resolves once a pass after this call ended. */
  async flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      await this.running;
      // The pass that follows picks up what was queued after the first one began.
      if (this.running) await this.running;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    await this.running;
  }

  private async pass(): Promise<void> {
    const requests = (await this.machine.outgoingRequests()) as Outgoing[];
    for (const request of requests) {
      await this.sendAndMark(request);
    }
  }

  /** Sends a request the machine made and marks it sent (its answer goes to the machine). */
  async sendAndMark(request: Outgoing): Promise<void> {
    const answer = await send(this.http, request);
    if (request.id === undefined) return;
    try {
      await this.machine.markRequestAsSent(request.id, request.type, answer);
    } catch (error: unknown) {
      // Another pass marked the same request first (a keys query can be handed out twice).
      this.log.debug({ err: error, type: request.type }, "request was already marked as sent");
    }
  }
}
