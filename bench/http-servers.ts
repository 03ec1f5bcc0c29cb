/**
 * Hello-world HTTP servers for `bench/http.ts`, one per process:
 *
 *     node -r ./register.js bench/http-servers.ts <wsgi|reactive|reactive-sync|node|fastify|net> [port]
 *
 * Each answers `GET /` with `Hello, World!` (text/plain, keep-alive) and prints
 * `listening <port>` on stdout once ready. rxpulsar servers are what one worker runs: a plain
 * `net` server handing sockets to `createHttpHandler` (the socket server does the same).
 */
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { of } from 'rxjs';
import { WSGIServer, createHttpHandler, reactive, wsgi, type HttpApp } from 'rxpulsar/apps/wsgi';
import { HttpResponse } from 'rxpulsar/operators';

const BODY = Buffer.from('Hello, World!');
const TEXT = 'Hello, World!';
const WSGI_HEADERS: ReadonlyArray<readonly [string, string]> = [['Content-Type', 'text/plain']];
const HEADERS = { 'content-type': 'text/plain' };

function rxpulsar(app: HttpApp): Server {
  const handler = createHttpHandler(app, { onError: () => undefined });
  return createNetServer({ allowHalfOpen: true }, (socket) => handler.handle(socket));
}

function canned(): Server {
  // No parsing at all: one canned response per "\r\n\r\n" seen (GET requests only).
  const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${TEXT}`);
  return createNetServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      let count = 0;
      for (let i = chunk.indexOf('\r\n\r\n'); i !== -1; i = chunk.indexOf('\r\n\r\n', i + 4)) count++;
      if (count === 1) socket.write(response);
      else if (count > 1) socket.write(Buffer.concat(Array(count).fill(response) as Buffer[]));
    });
    socket.on('error', () => undefined);
  });
}

async function start(kind: string, port: number): Promise<{ address(): AddressInfo | string | null }> {
  switch (kind) {
    case 'wsgi':
      return listen(
        rxpulsar(
          wsgi((_environ, startResponse) => {
            startResponse('200 OK', WSGI_HEADERS);
            return [BODY];
          }),
        ),
        port,
      );
    case 'reactive':
      return listen(rxpulsar(reactive(() => of(new HttpResponse(TEXT, { headers: HEADERS })))), port);
    case 'reactive-sync':
      return listen(rxpulsar(reactive(() => new HttpResponse(TEXT, { headers: HEADERS }))), port);
    case 'node':
      return listen(
        createHttpServer((_req, res) => {
          res.writeHead(200, HEADERS);
          res.end(TEXT);
        }) as unknown as Server,
        port,
      );
    case 'fastify': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fastify = (require('fastify') as typeof import('fastify')).default({ logger: false });
      fastify.get('/', (_req, reply) => {
        void reply.type('text/plain').send(TEXT);
      });
      await fastify.listen({ port, host: '127.0.0.1' });
      return fastify.server;
    }
    case 'app': {
      // The whole framework: a WSGIServer application, its arbiter and one inline worker (the
      // arbiter binds, supervises and gets heartbeats; the worker accepts and serves).
      const app = new WSGIServer({
        name: 'bench',
        callable: (_environ, startResponse) => {
          startResponse('200 OK', WSGI_HEADERS);
          return [BODY];
        },
        argv: ['--bind', `127.0.0.1:${port}`, '--workers', '1', '--concurrency', 'inline', '--log-level', 'warn'],
        announce: false,
      });
      await app.start();
      const bound = app.address;
      return { address: () => ({ port: bound && bound.kind === 'tcp' ? bound.port : 0, address: '127.0.0.1', family: 'IPv4' }) };
    }
    case 'net':
      return listen(canned(), port);
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}

function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const kind = process.argv[2] ?? 'wsgi';
start(kind, Number(process.argv[3] ?? 0)).then(
  (server) => {
    const address = server.address() as AddressInfo;
    process.stdout.write(`listening ${address.port}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => process.exit(0));
