/** The part of socket.io-client 2.x (the version Etherpad 1.8.14 speaks) the tests use. */
declare module "socket.io-client" {
  interface ClientSocket {
    on(event: string, listener: (...args: unknown[]) => void): ClientSocket;
    json: { send(message: unknown): ClientSocket };
    close(): void;
  }
  interface ConnectOptions {
    query?: Record<string, string>;
    transports?: string[];
    forceNew?: boolean;
    reconnection?: boolean;
    timeout?: number;
  }
  function io(url: string, opts?: ConnectOptions): ClientSocket;
  export = io;
}
