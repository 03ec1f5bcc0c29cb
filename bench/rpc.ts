/**
 * JSON-RPC `add` over HTTP POST: rxpulsar's RPC app against json-rpc-2.0's `JSONRPCServer` behind
 * node:http — in the same run.
 *
 *     npm run bench -- rpc [--ms 5000] [--repeat 3] [--connections 50]
 *     npm run bench -- rpc --in-process [--calls 200000] [--repeat 5]
 *
 * Servers run in their own process pinned to CPU 1 (`taskset -c 1`); `wrk -t1 -c50` runs pinned
 * to CPU 0 (autocannon saturates below node:http; see the performance notes). Every request is
 * `{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}`; server CPU per request comes from
 * /proc/<pid>/stat.
 *
 * Servers (`--serve <kind>`, internal):
 * - `json-rpc-2.0`: `JSONRPCServer.receiveJSON()` on node:http (body read, 200 JSON or 204);
 * - `rxpulsar-node`: `rpcHttpHandler(new RpcDispatcher(...))` on node:http;
 * - `rxpulsar-http`: the same handler on rxpulsar's HTTP engine (`reactive`, `request.buffer()`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSONRPCServer } from 'json-rpc-2.0';
import { RpcDispatcher, rpcHttpHandler } from 'rxpulsar/apps/rpc';
import { createHttpHandler, reactive } from 'rxpulsar/apps/wsgi';
import { cpuSeconds, flag, median, startBenchServer, stopChild, table } from './harness';

const KINDS = ['json-rpc-2.0', 'rxpulsar-node', 'rxpulsar-http'] as const;
type Kind = (typeof KINDS)[number];
const BODY = '{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}';
const EXPECTED = { jsonrpc: '2.0', id: 1, result: 3 };

// --- servers -------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serve(kind: Kind): Promise<Server> {
  if (kind === 'json-rpc-2.0') {
    const server = new JSONRPCServer();
    server.addMethod('add', (params: [number, number]) => params[0] + params[1]);
    const http = createHttpServer((req, res) => {
      void readBody(req).then(async (body) => {
        const reply = await server.receiveJSON(body.toString('utf8'));
        if (reply === null) res.writeHead(204).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    return listen(http as unknown as Server);
  }
  const handle = rpcHttpHandler(new RpcDispatcher({ add: (a: number, b: number) => a + b }));
  if (kind === 'rxpulsar-node') {
    const http = createHttpServer((req, res) => {
      void readBody(req)
        .then((body) => handle({ method: req.method ?? 'GET', headers: req.headers, body }))
        .then((r) => res.writeHead(r.status, r.headers).end(r.body));
    });
    return listen(http as unknown as Server);
  }
  const engine = createHttpHandler(
    reactive(async (req) => handle({ method: req.method, headers: req.headers, body: await req.buffer() })),
    { onError: () => undefined },
  );
  return listen(createNetServer({ allowHalfOpen: true }, (socket) => engine.handle(socket)));
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function serverMain(kind: Kind): Promise<void> {
  const server = await serve(kind);
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

// --- driver --------------------------------------------------------------------------------------

function wrk(port: number, connections: number, seconds: number, script: string): { rate: number; requests: number; errors: number } {
  const run = spawnSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/rpc`], {
    encoding: 'utf8',
    timeout: (seconds + 30) * 1000,
  });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(run.stdout)?.[1]);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(run.stdout)?.[1] ?? 0);
  return { rate, requests, errors };
}

async function round(kind: Kind, connections: number, ms: number, script: string): Promise<{ rate: number; cpuUs: number }> {
  const { child, port } = await startBenchServer('rpc', ['--serve', kind]);
  try {
    const check = await fetch(`http://127.0.0.1:${port}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    const reply = (await check.json()) as unknown;
    if (JSON.stringify(reply) !== JSON.stringify(EXPECTED)) throw new Error(`${kind} answered ${JSON.stringify(reply)}`);
    wrk(port, connections, 1, script); // warm-up
    const cpu0 = cpuSeconds(child.pid!);
    const result = wrk(port, connections, Math.max(1, Math.round(ms / 1000)), script);
    const cpu = cpuSeconds(child.pid!) - cpu0;
    if (result.errors > 0) throw new Error(`${kind}: ${result.errors} non-2xx responses`);
    return { rate: result.rate, cpuUs: (cpu * 1e6) / result.requests };
  } finally {
    await stopChild(child);
  }
}

async function main(): Promise<void> {
  const ms = flag('ms', 5000);
  const repeat = flag('repeat', 3);
  const connections = flag('connections', 50);
  const dir = mkdtempSync(join(tmpdir(), 'rxp-bench-rpc-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`);
  const results = new Map<Kind, { rate: number[]; cpu: number[] }>(KINDS.map((k) => [k, { rate: [], cpu: [] }]));
  try {
    for (let r = 0; r < repeat; r++) {
      const order = KINDS.map((_k, i) => KINDS[(i + r) % KINDS.length]);
      for (const kind of order) {
        const { rate, cpuUs } = await round(kind, connections, ms, script);
        results.get(kind)!.rate.push(rate);
        results.get(kind)!.cpu.push(cpuUs);
        process.stderr.write(`round ${r + 1} ${kind}: ${Math.round(rate)} req/s, ${cpuUs.toFixed(1)} µs CPU/req\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(results.get('json-rpc-2.0')!.rate);
  process.stdout.write(
    `\nJSON-RPC add over HTTP POST, wrk -t1 -c${connections}, ${ms} ms × ${repeat} (medians; server CPU 1, wrk CPU 0)\n\n` +
      table(
        KINDS.map((kind) => ({
          server: kind,
          'req/s': Math.round(median(results.get(kind)!.rate)),
          'ratio to json-rpc-2.0': median(results.get(kind)!.rate) / base,
          'server CPU µs/req': median(results.get(kind)!.cpu),
        })),
      ) +
      '\n',
  );
}

/** In process, no HTTP: µs per call of the two cores on the same request text (less noisy). */
async function inProcessMain(): Promise<void> {
  const calls = flag('calls', 200_000);
  const repeat = flag('repeat', 5);
  const theirs = new JSONRPCServer();
  theirs.addMethod('add', (params: [number, number]) => params[0] + params[1]);
  const ours = new RpcDispatcher({ add: (a: number, b: number) => a + b });
  const rigs: Array<[string, () => Promise<unknown>]> = [
    ['json-rpc-2.0 receiveJSON + stringify', async () => JSON.stringify(await theirs.receiveJSON(BODY))],
    ['rxpulsar RpcDispatcher.handle', () => ours.handle(BODY)],
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const [name, once] of rigs) {
    const times: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) await once();
      times.push(Number(process.hrtime.bigint() - t0) / 1e3 / calls);
    }
    rows.push({ core: name, 'µs/call (median)': median(times) });
  }
  process.stdout.write(`\nJSON-RPC add, in process, ${calls} calls × ${repeat}\n\n${table(rows)}\n`);
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex !== -1) void serverMain(process.argv[serveIndex + 1] as Kind);
else if (process.argv.includes('--in-process')) void inProcessMain();
else void main();
