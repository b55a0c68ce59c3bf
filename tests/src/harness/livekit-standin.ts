/**
 * A STAND-IN for a LiveKit SFU's HTTP API: no LiveKit server binary comes from npm, PyPI or
 * Debian, so this is the one part of the suite that is not the real thing. It speaks the
 * RoomService Twirp endpoints the way livekit-server-sdk calls them (JSON over
 * `POST /twirp/livekit.RoomService/<Method>`, `Authorization: Bearer <JWT>` signed with the API
 * secret and checked for the grant each method needs, errors as `{code, msg}`), keeps the
 * rooms and participants, refuses to join a room nobody created (`room.auto_create: false`), and
 * sends LiveKit's signed webhooks (`Authorization: <JWT with the body's sha256>`,
 * `Content-Type: application/webhook+json`). It carries no media.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AccessToken, TokenVerifier, type ClaimGrants } from "livekit-server-sdk";
import { freePort } from "./process-utils";

export interface StandinParticipant {
  identity: string;
  name: string;
  joinedAt: number;
}

export interface StandinCall {
  method: string;
  body: Record<string, unknown>;
}

export interface LivekitStandin {
  /** Base URL of the API (what `calls.livekit.apiUrl` points at). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Every RoomService call that passed the signature check, in order. */
  calls: StandinCall[];
  /** Rooms (name → participants). */
  rooms: Map<string, Map<string, StandinParticipant>>;
  /** Joins with a client token as the SFU would: verified, room must exist; sends the webhook. */
  connect(jwt: string): Promise<StandinParticipant & { room: string }>;
  /** Where webhooks go (`<web>/atrium/rtc/webhook`); none until set. */
  webhookUrl: string | null;
  /** Closes the listener (the SFU is down); state is kept for {@link start}. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The grant each RoomService method needs (LiveKit's `service/roomservice.go` auth checks). */
function authorise(method: string, grants: ClaimGrants, body: Record<string, unknown>): void {
  const video = grants.video ?? {};
  const needsCreate = method === "CreateRoom" || method === "DeleteRoom";
  const needsList = method === "ListRooms";
  if (needsCreate && !video.roomCreate)
    throw new TwirpError(401, "unauthenticated", "permissions denied");
  if (needsList && !video.roomList)
    throw new TwirpError(401, "unauthenticated", "permissions denied");
  if (!needsCreate && !needsList && (!video.roomAdmin || video.room !== body.room)) {
    throw new TwirpError(401, "unauthenticated", "permissions denied");
  }
}

export async function startLivekitStandin(
  opts: { apiKey?: string; apiSecret?: string; port?: number } = {},
): Promise<LivekitStandin> {
  const apiKey = opts.apiKey ?? "APIstandin";
  const apiSecret = opts.apiSecret ?? "standin-secret-0123456789abcdef0123456789";
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const rooms = new Map<string, Map<string, StandinParticipant>>();
  const calls: StandinCall[] = [];

  const handle = async (method: string, body: Record<string, unknown>) => {
    const room = String(body.room ?? body.name ?? "");
    switch (method) {
      case "CreateRoom":
        if (!rooms.has(room)) rooms.set(room, new Map());
        return { sid: `RM_${room.slice(0, 8)}`, name: room, emptyTimeout: body.emptyTimeout ?? 0 };
      case "DeleteRoom":
        rooms.delete(room);
        return {};
      case "ListRooms":
        return { rooms: [...rooms.keys()].map((name) => ({ name })) };
      case "ListParticipants":
        return { participants: [...(rooms.get(room)?.values() ?? [])] };
      case "GetParticipant":
      case "RemoveParticipant": {
        const participant = rooms.get(room)?.get(String(body.identity));
        if (!participant) throw new TwirpError(404, "not_found", "participant not found");
        if (method === "RemoveParticipant") {
          rooms.get(room)?.delete(participant.identity);
          await sendWebhook("participant_left", room, participant);
          return {};
        }
        return participant;
      }
      default:
        throw new TwirpError(404, "bad_route", `no handler for ${method}`);
    }
  };

  const standin: LivekitStandin = {
    url: "",
    apiKey,
    apiSecret,
    calls,
    rooms,
    webhookUrl: null,
    async connect(jwt) {
      const grants = await verifier.verify(jwt);
      const room = grants.video?.room;
      if (!grants.video?.roomJoin || !room || !grants.sub)
        throw new Error("token grants no room join");
      const participants = rooms.get(room);
      if (!participants) throw new Error(`room ${room} does not exist (room.auto_create is false)`);
      const participant = { identity: grants.sub, name: grants.name ?? "", joinedAt: Date.now() };
      participants.set(participant.identity, participant);
      await sendWebhook("participant_joined", room, participant);
      return { ...participant, room };
    },
    stop: () => stopListening(),
    start: () => listen(port),
    close: () => stopListening(),
  };

  async function sendWebhook(event: string, room: string, p: StandinParticipant): Promise<void> {
    if (!standin.webhookUrl) return;
    const body = JSON.stringify({
      event,
      room: { name: room, sid: `RM_${room.slice(0, 8)}` },
      participant: { identity: p.identity, name: p.name, sid: `PA_${p.identity.slice(0, 8)}` },
      id: `EV_${Date.now()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
    });
    const token = new AccessToken(apiKey, apiSecret, { ttl: 300 });
    token.sha256 = createHash("sha256").update(body).digest("base64");
    await fetch(standin.webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/webhook+json", Authorization: await token.toJwt() },
      body,
    }).catch(() => undefined);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(payload));
      };
      const match = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match)
        return reply(404, { code: "bad_route", msg: "not found" });
      const method = match[1] as string;
      void (async () => {
        try {
          const auth = req.headers.authorization ?? "";
          if (!auth.startsWith("Bearer ")) throw new TwirpError(401, "unauthenticated", "no token");
          const grants = await verifier
            .verify(auth.slice("Bearer ".length))
            .catch(() => Promise.reject(new TwirpError(401, "unauthenticated", "invalid token")));
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<
            string,
            unknown
          >;
          authorise(method, grants, body);
          calls.push({ method, body });
          reply(200, await handle(method, body));
        } catch (error: unknown) {
          if (error instanceof TwirpError)
            return reply(error.status, { code: error.code, msg: error.message });
          reply(500, { code: "internal", msg: String(error) });
        }
      })();
    });
  });

  let port = 0;
  async function listen(p: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    standin.url = `http://127.0.0.1:${port}`;
  }
  function stopListening(): Promise<void> {
    return new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
  await listen(opts.port ?? (await freePort()));
  return standin;
}
