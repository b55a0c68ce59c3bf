/**
 * Passing a request on to another local server, as a reverse proxy does: plain HTTP and
 * websocket upgrades (Etherpad's socket.io). Used by the dev stack's front door and the test
 * client's page server.
 */
import http from "node:http";
import * as net from "node:net";
import type { Duplex } from "node:stream";

/** Sends `req` to `target` (an origin, `http://127.0.0.1:9001`) and pipes the answer back. */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, target: string): void {
  const to = new URL(target);
  const upstream = http.request(
    { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
    res.end(`${target} did not answer: ${error.message}`);
  });
  req.pipe(upstream);
}

/** Replays a websocket upgrade request to `target`, then splices the two sockets. */
export function forwardUpgrade(
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: string,
): void {
  const to = new URL(target);
  const upstream = net.connect(Number(to.port), to.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
  });
  const end = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on("error", end);
  socket.on("error", end);
}
