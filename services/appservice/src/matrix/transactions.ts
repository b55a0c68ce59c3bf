/**
 * The appservice endpoint for transactions, made durable: the events of a transaction are
 * written to the store before the homeserver gets its 200, so a crash after the answer loses
 * nothing, and the same transaction (or event) twice has one effect.
 */
import { AppService } from "matrix-appservice-bridge";

/** The parts of express's request and response these routes use. */
interface Request {
  headers: { authorization?: string };
  params: Record<string, string | undefined>;
  query?: unknown;
  body?: unknown;
}
interface Response {
  status(code: number): Response;
  send(body: unknown): unknown;
}
import type { Logger } from "pino";
import type { Store } from "../store/store";
import type { Metrics } from "../util/metrics";
import { tokenMatches, tokenOf } from "./hs-token";

export class DurableAppService extends AppService {
  constructor(
    private readonly homeserverToken: string,
    private readonly store: Store,
    /**
     * Called with each transaction's events once they are recorded, before the next transaction
     * can arrive: the homeserver's stream order (the state cache applies state events here).
     */
    private readonly onRecorded: (events: ReadonlyArray<Record<string, unknown>>) => void,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    super({ homeserverToken });
    // MSC2659: the homeserver's ping, sent when Atrium calls
    // `POST /_matrix/client/v1/appservice/{id}/ping` (at start) or an admin checks the link.
    this.expressApp.post("/_matrix/app/v1/ping", (req: Request, res: Response) => {
      if (!this.authorised(req, res)) return;
      const txn = (req.body as { transaction_id?: unknown } | undefined)?.transaction_id;
      this.log.info({ transaction_id: typeof txn === "string" ? txn : null }, "homeserver ping");
      res.send({});
    });
  }

  static {
    // matrix-appservice binds `this.onTransaction` to its transactions route in its constructor
    // (declared private in its types), so this prototype entry is what the route calls.
    Object.defineProperty(DurableAppService.prototype, "onTransaction", {
      value(this: DurableAppService, req: Request, res: Response) {
        void this.durableTransaction(req, res);
      },
    });
    // Its user and alias query routes check the token with `isInvalidToken` (a plain `!==`);
    // this one compares in constant time.
    Object.defineProperty(DurableAppService.prototype, "isInvalidToken", {
      value(this: DurableAppService, req: Request, res: Response): boolean {
        return !this.authorised(req, res);
      },
    });
  }

  /** Checks the hs_token in constant time; answers 403 M_FORBIDDEN when it is wrong. */
  authorised(req: Request, res: Response): boolean {
    if (tokenMatches(tokenOf(req), this.homeserverToken)) return true;
    res.status(403).send({ errcode: "M_FORBIDDEN", error: "Bad token supplied" });
    return false;
  }

  private async durableTransaction(req: Request, res: Response): Promise<void> {
    if (!this.authorised(req, res)) {
      this.metrics.transactions.inc({ result: "forbidden" });
      return;
    }
    const txnId = String(req.params.txnId ?? "");
    const body = req.body as { events?: unknown } | undefined;
    const events = Array.isArray(body?.events)
      ? (body.events.filter((e) => e && typeof e === "object" && !Array.isArray(e)) as Array<
          Record<string, unknown>
        >)
      : [];
    try {
      const added = await this.store.recordEvents(txnId, events);
      this.metrics.transactions.inc({ result: added < events.length ? "replayed" : "ok" });
      res.send({});
    } catch (error: unknown) {
      // Not acknowledged: the homeserver will retry the transaction.
      this.log.error({ err: error, txn_id: txnId }, "could not record a transaction");
      this.metrics.transactions.inc({ result: "error" });
      res
        .status(500)
        .send({ errcode: "M_UNKNOWN", error: "Could not record the transaction; retry later." });
      return;
    }
    // Keep the bridge's own caches (membership) in step, then process from the store.
    for (const event of events) this.emit("event", event);
    this.onRecorded(events);
  }
}
