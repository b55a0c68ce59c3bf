/**
 * Declarations for the parts of `etherpad-lite-client@0.9.0` that Atrium uses. The package ships
 * no types. Read from its `main.js`: every call is an HTTP GET to
 * `<rootPath><functionName>?apikey=<key>&<args>` made with `http.get(api.options, ...)`, where
 * `api.options` is the (copied) connect options object, mutated with `path` on each call.
 */
declare module "etherpad-lite-client" {
  import type { Agent } from "node:http";

  /** The library's error: `code` -1 for network or parse failures, else Etherpad's code. */
  export interface EtherpadLiteError {
    code: number | undefined;
    message: string | undefined;
  }

  export type EtherpadLiteCallback = (err: EtherpadLiteError | null, data: unknown) => void;

  /** Argument values end up in the query string through `querystring.stringify`. */
  export type EtherpadLiteArgs = Record<string, string | number | boolean>;

  /** Options given to `connect`; all of them are also passed to `http.get`/`https.get`. */
  export interface EtherpadLiteOptions {
    apikey: string;
    host?: string;
    port?: number;
    /** Chooses `https` for every client in the process (the choice is module-wide). */
    ssl?: boolean;
    /** Default `/api/1.2.12/`; must end with a slash. */
    rootPath?: string;
    /** Passed through to node's http: overrides the module-wide http/https choice. */
    protocol?: "http:" | "https:";
    agent?: Agent;
    signal?: AbortSignal;
  }

  export interface EtherpadLiteApi {
    options: EtherpadLiteOptions & { path?: string };
    call(functionName: string, args: EtherpadLiteArgs, callback: EtherpadLiteCallback): void;
  }

  export function connect(options: EtherpadLiteOptions): EtherpadLiteApi;
}
