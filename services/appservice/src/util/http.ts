/** What the appservice's own HTTP listeners (the public pages, the integration manager) share. */
import http from "node:http";
import type express from "express";

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `bindAddress:port` (0: any free port, as the tests ask) and says where. */
export async function listenHttp(
  app: express.Express,
  where: { port: number; bindAddress: string },
): Promise<WebServer> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(where.port, where.bindAddress, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : where.port;
  return {
    url: `http://${where.bindAddress}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The CSP of a single-page app served here (the IM UI, the workspace page): its own scripts,
 * styles, fonts and API only, no inline code; `extra` adds the app's own form and frame rules.
 */
export function appCsp(...extra: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    ...extra,
  ].join("; ");
}
