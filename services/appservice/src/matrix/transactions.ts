/**
 * The appservice endpoint for transactions, made durable: the events of a transaction are
 * written to the store before the homeserver gets its 200, so a crash after the answer loses
 * nothing, and the same transaction (or event) twice has one effect.
 */
import { AppService } from "matrix-appservice-bridge";

/** The parts of express's request and response this route uses. */
interface Request {
  headers: { authorization?: string };
  params: Record<string, string | undefined>;
  body?: unknown;
}
interface Response {
  status(code: number): Response;
  send(body: unknown): unknown;
}
import type { Logger } from "pino";
import type { Store } from "../store/store";
import type { Metrics } from "../util/metrics";

export class DurableAppService extends AppService {
  constructor(
    homeserverToken: string,
    private readonly store: Store,
    private readonly onRecorded: () => void,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    super({ homeserverToken });
  }

  static {
    // matrix-appservice binds `this.onTransaction` to its transactions route in its constructor
    // (declared private in its types), so this prototype entry is what the route calls.
    Object.defineProperty(DurableAppService.prototype, "onTransaction", {
      value(this: DurableAppService, req: Request, res: Response) {
        void this.durableTransaction(req, res);
      },
    });
  }

  private async durableTransaction(req: Request, res: Response): Promise<void> {
    const token = req.headers.authorization?.startsWith("Bearer ")
      ? req.headers.authorization.slice("Bearer ".length)
      : undefined;
    if (
      token !== (this as unknown as { config: { homeserverToken: string } }).config.homeserverToken
    ) {
      this.metrics.transactions.inc({ result: "forbidden" });
      res.status(403).send({ errcode: "M_FORBIDDEN", error: "Bad token supplied" });
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
    this.onRecorded();
  }
}
