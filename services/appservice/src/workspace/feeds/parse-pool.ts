/**
 * Feed documents are parsed off the event loop, in worker threads: a large or hostile feed
 * (5 MiB of XML parses for seconds and takes 100 MB and more) must not stall the appservice's
 * rooms, pages and `/verify`. A small pool of workers takes parses in turn; each parse has a
 * deadline (the worker is ended and replaced when it passes) and each worker a heap limit (a
 * parse that outgrows it ends that worker, not the process). On Linux the workers run at a lower
 * CPU priority (nice 10), so on a small host a parse yields the cores to the event loop.
 */
import { Worker } from "node:worker_threads";
import { decodeBody, FeedParseError, parseDocument, type ParsedFeed } from "./parse";

export interface ParseInput {
  body: Buffer;
  contentType: string | undefined;
  /** The URL that answered (relative links resolve against it). */
  url: string;
  maxItems: number;
}

/** Turns a fetched body into entries; throws FeedParseError for documents that are no feed. */
export interface FeedParser {
  parse(input: ParseInput): Promise<ParsedFeed>;
  close(): Promise<void>;
}

/** Parses on the calling thread: for unit tests of the code around parsing, never the service. */
export const inThreadParser: FeedParser = {
  async parse({ body, contentType, url, maxItems }) {
    return parseDocument(decodeBody(body, contentType), url, maxItems);
  },
  async close() {},
};

export interface WorkerParserOptions {
  /** Workers at most (parses at once). */
  size: number;
  /** A parse taking longer ends its worker and fails. */
  timeoutMs: number;
  /** Old-generation heap of one worker, MiB. */
  maxHeapMb: number;
}

/**
 * The worker's code. Plain JavaScript run by Node itself: it requires parse.ts's compiled
 * module (dist) or, under the unit tests, parse.ts (Node strips its types).
 */
const WORKER_SOURCE = `
const { parentPort, workerData, threadId } = require("node:worker_threads");
const { decodeBody, parseDocument, FeedParseError } = require(workerData.parseModule);
// Linux: this thread yields the CPU to the event loop's thread (nice 10). Elsewhere, as is.
try {
  const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
  if (tid > 0) require("node:os").setPriority(tid, 10);
} catch {}
parentPort.on("message", ({ id, body, contentType, url, maxItems }) => {
  try {
    const text = decodeBody(Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType);
    parentPort.postMessage({ id, threadId, parsed: parseDocument(text, url, maxItems) });
  } catch (error) {
    parentPort.postMessage({
      id,
      threadId,
      error: { parse: error instanceof FeedParseError, message: String(error && error.message || error) },
    });
  }
});
`;

interface Task {
  id: number;
  input: ParseInput;
  resolve: (parsed: ParsedFeed) => void;
  reject: (error: Error) => void;
}

interface Reply {
  id: number;
  threadId: number;
  parsed?: ParsedFeed;
  error?: { parse: boolean; message: string };
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

/** The worker pool; see the module comment. */
export class WorkerParser implements FeedParser {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Thread ids that answered parses (tests check parsing left the main thread). */
  readonly threadIds = new Set<number>();

  constructor(private readonly opts: WorkerParserOptions) {}

  parse(input: ParseInput): Promise<ParsedFeed> {
    if (this.closed) return Promise.reject(new Error("the feed parser is stopped"));
    return new Promise<ParsedFeed>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error("the feed parser is stopped"));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, null)));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.task === null);
      if (!slot && this.slots.size < this.opts.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(
        () =>
          void this.retire(
            slot,
            new FeedParseError(`reading the feed took longer than ${this.opts.timeoutMs} ms`),
          ),
        this.opts.timeoutMs,
      );
      const { body, contentType, url, maxItems } = task.input;
      slot.worker.postMessage({ id: task.id, body, contentType, url, maxItems });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { parseModule: require.resolve("./parse") },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb },
    });
    worker.unref();
    const slot: Slot = { worker, task: null, timer: null };
    worker.on("message", (reply: Reply) => this.settle(slot, reply));
    worker.on("error", (error: Error & { code?: string }) => {
      const tooBig = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      void this.retire(
        slot,
        tooBig
          ? new FeedParseError("the feed needs more memory to read than is allowed")
          : new FeedParseError(`the feed could not be read (${error.message})`),
      );
    });
    worker.on("exit", () => {
      if (this.slots.has(slot))
        void this.retire(slot, new FeedParseError("the feed reader stopped"));
    });
    this.slots.add(slot);
    return slot;
  }

  private settle(slot: Slot, reply: Reply): void {
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = null;
    slot.timer = null;
    this.threadIds.add(reply.threadId);
    if (reply.parsed) task.resolve(reply.parsed);
    else if (reply.error?.parse) task.reject(new FeedParseError(reply.error.message));
    else task.reject(new FeedParseError(`the feed could not be read (${reply.error?.message})`));
    this.dispatch();
  }

  /** Ends a worker, failing its task with `error`; the next parse starts a fresh one. */
  private async retire(slot: Slot, error: Error | null): Promise<void> {
    if (!this.slots.delete(slot)) return;
    if (slot.timer) clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = null;
    if (task) task.reject(error ?? new Error("the feed parser is stopped"));
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}
