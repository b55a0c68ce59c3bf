/** A real HTTP listener for route tests: requests go through Node's stack, as in production. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Served {
  /** `http://127.0.0.1:<port>`, to prefix the routes with. */
  base: string;
  close(): Promise<void>;
}

/** Serves `app` (an express app or any request listener) on a free loopback port. */
export async function serve(app: http.RequestListener): Promise<Served> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
