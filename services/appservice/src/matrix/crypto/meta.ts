/**
 * Atrium's own facts about the bot's device, kept in the same durable IndexedDB (so in the same
 * file, the same backup and the same restore) as the crypto SDK's store: the device id, whose
 * store it is, whether cross-signing was set up, and the key stream's `/sync` position.
 */
import type { IDBFactory } from "./journal";

const DATABASE = "atrium-e2ee-meta";
const STORE = "meta";

/** What Atrium records beside the SDK's store. */
export interface DeviceMeta {
  userId?: string;
  deviceId?: string;
  /** Set once the bot's cross-signing keys are uploaded and its device signed. */
  crossSigned?: boolean;
  /** The `/sync` token after the last batch whose keys are stored and answered. */
  since?: string;
}

type Request<T> = { result: T; error: unknown; onsuccess: unknown; onerror: unknown };

function done<T>(request: Request<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error as Error);
  });
}

interface Db {
  transaction(
    store: string,
    mode: "readonly" | "readwrite",
  ): {
    objectStore(name: string): {
      get(key: string): Request<unknown>;
      put(value: unknown, key: string): Request<unknown>;
    };
    oncomplete: unknown;
    onerror: unknown;
    onabort: unknown;
    error: unknown;
  };
  close(): void;
}

/** The meta database: read and written one key at a time, each write its own transaction. */
export class MetaStore {
  private constructor(private readonly db: Db) {}

  static async open(factory: IDBFactory): Promise<MetaStore> {
    const request = factory.open(DATABASE, 1) as unknown as Request<Db> & {
      onupgradeneeded: unknown;
    };
    request.onupgradeneeded = () => {
      (request.result as unknown as { createObjectStore(n: string): void }).createObjectStore(
        STORE,
      );
    };
    return new MetaStore(await done(request));
  }

  async get<K extends keyof DeviceMeta>(key: K): Promise<DeviceMeta[K]> {
    const tx = this.db.transaction(STORE, "readonly");
    return (await done(tx.objectStore(STORE).get(key))) as DeviceMeta[K];
  }

  /** Writes `values`; resolves once the transaction committed (so it is in the journal). */
  async set(values: DeviceMeta): Promise<void> {
    const tx = this.db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    for (const [key, value] of Object.entries(values)) store.put(value, key);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error as Error);
      tx.onabort = () => reject((tx.error as Error | null) ?? new Error("meta write aborted"));
    });
  }

  close(): void {
    this.db.close();
  }
}
