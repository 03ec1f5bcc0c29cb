/**
 * Hosts a WebSocketApp for specs, the way an HTTP server hands it requests:
 * - `'node:http'`: node's server, its `upgrade` event and `request` event (426 for plain GETs);
 * - `'plain'`: a bare `net` server with a tiny head parser that passes a PLAIN OBJECT request
 *   (lower-case headers, repeated headers as arrays), as rxpulsar's llhttp server will.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { UpgradeRequest, WebSocketApp } from 'rxpulsar/apps/ws';

export interface Host {
  readonly port: number;
  close(): Promise<void>;
}

export async function host(app: WebSocketApp, kind: 'node:http' | 'plain' = 'plain'): Promise<Host> {
  const sockets = new Set<Socket>();
  let server: HttpServer | NetServer;
  if (kind === 'node:http') {
    const http = createHttpServer((req, res) => {
      const rejection = app.handleRequest(req);
      if (rejection) res.writeHead(rejection.status, rejection.headers).end(rejection.body);
      else res.writeHead(404).end();
    });
    http.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head));
    server = http;
  } else {
    server = createNetServer((socket) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.removeListener('data', onData);
        socket.pause();
        const [requestLine, ...lines] = head.subarray(0, end).toString('latin1').split('\r\n');
        const [method, url, version] = requestLine.split(' ');
        const headers: Record<string, string | string[]> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          const previous = headers[name];
          headers[name] = previous === undefined ? value : ([] as string[]).concat(previous, value);
        }
        const request: UpgradeRequest = { method, url, headers, httpVersion: version.replace('HTTP/', '') };
        app.handleUpgrade(request, socket, head.subarray(end + 4));
      };
      socket.on('data', onData);
    });
  }
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      await app.close(1000);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A logger that records instead of printing (route failures are expected in specs). */
export function recordingLogger(): { name: string; lines: string[]; debug(): void; info(): void; warn(): void; error(message: string, ...args: unknown[]): void; child(): ReturnType<typeof recordingLogger> } {
  const lines: string[] = [];
  const logger = {
    name: 'spec',
    lines,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message: string, ...args: unknown[]) => {
      lines.push([message, ...args].map(String).join(' '));
    },
    child: () => logger,
  };
  return logger;
}
