/**
 * WebSocket echo: round trips per second with 32-byte text messages and 50 clients (one message
 * in flight each), an rxpulsar WebSocket route against a bare `ws` server — in the same run —
 * and the heap each idle connection costs.
 *
 *     npm run bench -- ws [--ms 5000] [--warmup 1000] [--repeat 3] [--clients 50]
 *     npm run bench -- ws --memory [--connections 1000] [--only route-node] [--json]
 *
 * Servers run in their own process pinned to CPU 1 (`taskset -c 1`), the load generator in its
 * own process pinned to CPU 0: a lean raw-socket client that writes one pre-built masked frame
 * and counts 34-byte echoes (the `ws` client costs as much CPU as the server; see
 * docs performance notes). Server CPU per round trip comes from /proc/<pid>/stat.
 *
 * Servers (`--serve <kind>`, internal):
 * - `bare`: `ws` in noServer mode on node:http, `ws.send(data)` on 'message';
 * - `route-node`: `WebSocketApp` + `webSocket('/echo', m$ => m$.pipe(messages()))` on node:http;
 * - `route-rxpulsar`: the same app on rxpulsar's HTTP engine (`createHttpHandler({ onUpgrade })`).
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { of } from 'rxjs';
import { WebSocketServer } from 'ws';
import { messages, webSocket, WebSocketApp } from 'rxpulsar/apps/ws';
import { createHttpHandler, reactive } from 'rxpulsar/apps/wsgi';
import { HttpResponse } from 'rxpulsar/operators';
import { benchProcess, cpuSeconds, flag, lineFrom, median, pairedRatio, startBenchServer, stopChild, table } from './harness';

const KINDS = ['bare', 'route-node', 'route-rxpulsar'] as const;
type Kind = (typeof KINDS)[number];
const PAYLOAD = 32;
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const HANDSHAKE = `GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

// --- servers -------------------------------------------------------------------------------------

function echoApp(): WebSocketApp {
  return new WebSocketApp([webSocket('/echo', (message$) => message$.pipe(messages()))], { pingInterval: 0 });
}

async function serve(kind: Kind): Promise<Server> {
  if (kind === 'bare') {
    const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 1024 * 1024 });
    const http = createHttpServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
        ws.on('error', () => undefined);
      }),
    );
    return listen(http as unknown as Server);
  }
  const app = echoApp();
  if (kind === 'route-node') {
    const http = createHttpServer((req, res) => {
      const rejection = app.handleRequest(req);
      if (rejection) res.writeHead(rejection.status, rejection.headers).end(rejection.body);
      else res.writeHead(404).end();
    });
    http.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head));
    return listen(http as unknown as Server);
  }
  const handler = createHttpHandler(
    reactive((req) => {
      const rejection = app.handleRequest(req);
      return of(rejection ? new HttpResponse(rejection.body, { status: rejection.status, headers: rejection.headers }) : new HttpResponse('', { status: 404 }));
    }),
    { onUpgrade: (req, socket, head) => app.handleUpgrade(req, socket, head), onError: () => undefined },
  );
  return listen(createNetServer({ allowHalfOpen: true }, (socket) => handler.handle(socket)));
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Server process: prints `listening <port>`; on stdin `heap`, prints heap figures after GC. */
async function serverMain(kind: Kind): Promise<void> {
  const server = await serve(kind);
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line !== 'heap') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error('run with --expose-gc');
    for (let i = 0; i < 4; i++) gc();
    const m = process.memoryUsage();
    process.stdout.write(`heap ${m.heapUsed} ${m.external + m.arrayBuffers} ${m.rss}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

// --- lean client ---------------------------------------------------------------------------------

/** One masked text frame of PAYLOAD bytes, built once and written for every message. */
function maskedFrame(): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const payload = Buffer.alloc(PAYLOAD, 'x');
  const frame = Buffer.alloc(2 + 4 + PAYLOAD);
  frame[0] = 0x81; // FIN + text
  frame[1] = 0x80 | PAYLOAD; // MASK + length
  mask.copy(frame, 2);
  for (let i = 0; i < PAYLOAD; i++) frame[6 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/** Opens a raw connection and completes the handshake; resolves with the socket and leftover bytes. */
function open(port: number): Promise<{ socket: Socket; rest: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.removeListener('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head.split('\r\n')[0]));
      else resolve({ socket, rest: head.length - end - 4 });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(HANDSHAKE);
  });
}

/** Load process: prints `{"measured":n,"seconds":s,"total":t}`. */
async function loadMain(port: number, clients: number, warmupMs: number, ms: number): Promise<void> {
  const frame = maskedFrame();
  const echo = 2 + PAYLOAD; // server frames are unmasked: 2-byte header
  let total = 0;
  let running = true;
  const sockets = await Promise.all(Array.from({ length: clients }, () => open(port)));
  for (const { socket, rest } of sockets) {
    let pending = rest;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.length;
      while (pending >= echo) {
        pending -= echo;
        total++;
        if (running) socket.write(frame);
      }
    });
    socket.write(frame);
  }
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  const start = total;
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const measured = total - start;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  running = false;
  for (const { socket } of sockets) socket.destroy();
  process.stdout.write(`${JSON.stringify({ measured, seconds, total })}\n`);
}

// --- driver --------------------------------------------------------------------------------------

async function throughputRound(kind: Kind, clients: number, warmupMs: number, ms: number): Promise<{ rate: number; cpuUs: number }> {
  const { child, port } = await startBenchServer('ws', ['--serve', kind]);
  try {
    const cpu0 = cpuSeconds(child.pid!);
    const load = benchProcess('ws', ['--load', String(port), '--clients', String(clients), '--warmup', String(warmupMs), '--ms', String(ms)], 0);
    const result = JSON.parse(await lineFrom(load, '{', warmupMs + ms + 30_000)) as { measured: number; seconds: number; total: number };
    const cpu = cpuSeconds(child.pid!) - cpu0;
    return { rate: result.measured / result.seconds, cpuUs: (cpu * 1e6) / result.total };
  } finally {
    await stopChild(child);
  }
}

async function throughputMain(): Promise<void> {
  const ms = flag('ms', 5000);
  const warmup = flag('warmup', 1000);
  const repeat = flag('repeat', 3);
  const clients = flag('clients', 50);
  const results = new Map<Kind, { rate: number[]; cpu: number[] }>(KINDS.map((k) => [k, { rate: [], cpu: [] }]));
  for (let r = 0; r < repeat; r++) {
    // Rotate the order so that no kind always runs first (or last) on a warm machine.
    const order = KINDS.map((_k, i) => KINDS[(i + r) % KINDS.length]);
    for (const kind of order) {
      const { rate, cpuUs } = await throughputRound(kind, clients, warmup, ms);
      results.get(kind)!.rate.push(rate);
      results.get(kind)!.cpu.push(cpuUs);
      process.stderr.write(`round ${r + 1} ${kind}: ${Math.round(rate)} rt/s, ${cpuUs.toFixed(1)} µs CPU/rt\n`);
    }
  }
  const bare = results.get('bare')!.rate;
  process.stdout.write(
    `\nWebSocket echo, ${PAYLOAD} B text, ${clients} clients, ${ms} ms × ${repeat} (medians; ratios paired by round; server CPU 1, load CPU 0)\n\n` +
      table(
        KINDS.map((kind) => ({
          server: kind,
          'round trips/s': Math.round(median(results.get(kind)!.rate)),
          'ratio to bare ws': pairedRatio(results.get(kind)!.rate, bare),
          'server CPU µs/rt': median(results.get(kind)!.cpu),
        })),
      ) +
      '\n',
  );
}

async function memoryMain(): Promise<void> {
  const count = flag('connections', 1000);
  const only = process.argv.indexOf('--only');
  const kinds = only === -1 ? KINDS : KINDS.filter((k) => k === process.argv[only + 1]);
  const rows: Array<Record<string, string | number>> = [];
  for (const kind of kinds) {
    const { child, port } = await startBenchServer('ws', ['--serve', kind], ['--expose-gc']);
    const sockets: Socket[] = [];
    try {
      // One connection first, so that lazily built module state is not counted per connection.
      sockets.push((await open(port)).socket);
      const heap = async (): Promise<number[]> => {
        const reply = lineFrom(child, 'heap ');
        child.stdin!.write('heap\n');
        return (await reply).split(' ').slice(1).map(Number);
      };
      const before = await heap();
      for (let i = 0; i < count; i += 100) {
        const batch = await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => open(port)));
        sockets.push(...batch.map((b) => b.socket));
      }
      const after = await heap();
      rows.push({
        server: kind,
        connections: count,
        'heap KB/conn': (after[0] - before[0]) / count / 1024,
        'external KB/conn': (after[1] - before[1]) / count / 1024,
        'RSS KB/conn': (after[2] - before[2]) / count / 1024,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await stopChild(child);
    }
  }
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else process.stdout.write(`\nIdle WebSocket connections, heap after GC (server process, --expose-gc)\n\n${table(rows)}\n`);
}

// --- entry ---------------------------------------------------------------------------------------

const argv = process.argv;
const serveIndex = argv.indexOf('--serve');
const loadIndex = argv.indexOf('--load');
if (serveIndex !== -1) {
  void serverMain(argv[serveIndex + 1] as Kind);
} else if (loadIndex !== -1) {
  void loadMain(Number(argv[loadIndex + 1]), flag('clients', 50), flag('warmup', 1000), flag('ms', 5000));
} else if (argv.includes('--memory')) {
  void memoryMain();
} else {
  void throughputMain();
}
