/**
 * samples/calculator: pulsar's JSON-RPC calculator, mounted under `/calculator/` as the showcase
 * mounts it, in a server running in this process (one inline worker). The methods are called with
 * `inject` (no socket); the WebSocket transport and the standalone sample over loopback.
 */
import { arbiter, version } from 'rxpulsar';
import { inject, type InjectResponse } from 'rxpulsar/apps/wsgi';
import WebSocket from 'ws';
import { createCalculatorSample } from '../../samples/calculator/app';
import { MAX_RANDOM_POINTS } from '../../samples/calculator/calculator';
import { seededRandom } from '../../samples/web/prng';
import { ChildScript } from '../helpers/child';
import { mountInProcess } from '../helpers/samples';

interface RpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}
interface RpcReply<T = unknown> {
  readonly jsonrpc: '2.0';
  readonly id: number | string | null;
  readonly result?: T;
  readonly error?: RpcError;
}

describe('samples/calculator mounted at /calculator/ (in process)', () => {
  const mounted = mountInProcess('calculator', '/calculator/', createCalculatorSample({ random: seededRandom(42) }));
  const { server } = mounted;

  let seq = 0;
  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<InjectResponse> =>
    inject(mounted.parts.app, { method: 'POST', url: '/calculator/', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const call = async <T = unknown>(method: string, params?: unknown): Promise<RpcReply<T>> => {
    const response = await post({ jsonrpc: '2.0', id: ++seq, method, ...(params === undefined ? {} : { params }) });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    return response.json<RpcReply<T>>();
  };

  beforeAll(() => server.start(), 30_000);
  afterAll(() => arbiter().stop('spec over'));

  it('should compute with params by position and by name', async () => {
    expect((await call('calc.add', [3, 7])).result).toBe(10);
    expect((await call('calc.subtract', [546, 46])).result).toBe(500);
    expect((await call('calc.multiply', [3, 9])).result).toBe(27);
    expect((await call('calc.divide', [50, 25])).result).toBe(2);
    expect((await call('calc.add', { a: 0.1, b: 0.2 })).result).toBeCloseTo(0.3, 12);
    expect((await call('calc.subtract', { b: 1, a: 10 })).result).toBe(9);
    expect((await call('calc.multiply', { a: -2, b: 2.5 })).result).toBe(-5);
    expect((await call('calc.divide', { a: 1, b: 4 })).result).toBe(0.25);
  });

  it('should answer a division by zero, or an overflow, with −32602 and go on serving', async () => {
    const zero = await call('calc.divide', [1, 0]);
    expect(zero.result).toBeUndefined();
    expect(zero.error).toEqual({ code: -32602, message: 'Invalid params', data: 'Invalid params for calc.divide: division by zero' });
    expect((await call('calc.divide', { a: 0, b: 0 })).error?.code).toBe(-32602);
    expect((await call('calc.multiply', [1e308, 10])).error).toEqual({
      code: -32602,
      message: 'Invalid params',
      data: 'Invalid params for calc.multiply: the result is not a finite number',
    });
    expect((await call('calc.divide', [9, 3])).result).toBe(3);
  });

  it('should refuse a wrong arity, unknown or missing names and non-numbers with −32602', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['calc.add', [1], 'expected 2 params, got 1'],
      ['calc.add', [1, 2, 3], 'expected 2 params, got 3'],
      ['calc.add', [], 'expected 2 params, got 0'],
      ['calc.divide', { a: 1 }, 'missing param b'],
      ['calc.subtract', { a: 1, b: 2, c: 3 }, 'unknown param c'],
      ['calc.divide', ['ciao', 'bo'], 'a must be number, got string'],
      ['calc.multiply', [2, null], 'b must be number, got null'],
    ];
    for (const [method, params, reason] of cases) {
      const reply = await call(method, params);
      expect({ method, params, error: reply.error }).toEqual({ method, params, error: { code: -32602, message: 'Invalid params', data: `Invalid params for ${method}: ${reason}` } });
    }
    // ping takes nothing
    expect((await call('ping', ['extra'])).error?.code).toBe(-32602);
  });

  it('should answer unknown methods with −32601', async () => {
    for (const method of ['calc.power', 'blabla', 'blabla.foofoo', 'blabla.foofoo.sjdcbjcb', 'calc']) {
      expect((await call(method, [])).error).toEqual({ code: -32601, message: 'Method not found', data: `Method not found: ${method}` });
    }
  });

  it('should serve the server commands: ping, echo, server_info, functions_list', async () => {
    expect((await call('ping')).result).toBe('pong');
    expect((await call('echo', ['Hi there!'])).result).toBe('Hi there!');
    expect((await call('echo', { message: { nested: [1, 2] } })).result).toEqual({ nested: [1, 2] });
    expect((await call('echo')).result).toBe('');
    const info = (await call<{ server: Record<string, unknown> }>('server_info')).result!;
    expect(info.server).toMatchObject({ name: 'rxpulsar', version: version(), worker: mounted.worker, pid: process.pid, node: process.version });
    const list = (await call<Array<[string, { doc: string; section: string; params: string[] | null }]>>('functions_list')).result!;
    const names = list.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['ping', 'echo', 'server_info', 'functions_list', 'calc.add', 'calc.subtract', 'calc.multiply', 'calc.divide', 'calc.randompaths']));
    expect(Object.fromEntries(list)['calc.divide']).toEqual({ doc: 'a / b; b = 0 is an error (−32602)', section: 'calc', params: ['a: number', 'b: number'] });
  });

  it('should draw random walks (pulsar’s randompaths), bounded in size', async () => {
    const paths = (await call<number[][]>('calc.randompaths', { num_paths: 20, size: 100, mu: 1, sigma: 2 })).result!;
    expect(paths).toHaveLength(20);
    for (const path of paths) {
      expect(path).toHaveLength(100);
      expect(path.every(Number.isFinite)).toBe(true);
    }
    // Drift mu = 1 per step: the mean end point is near 100 (20 paths, sd of the mean ≈ 4.5).
    const meanEnd = paths.reduce((sum, p) => sum + p[99], 0) / paths.length;
    expect(meanEnd).toBeGreaterThan(70);
    expect(meanEnd).toBeLessThan(130);
    expect((await call<number[][]>('calc.randompaths', [])).result![0]).toHaveLength(250);
    expect((await call('calc.randompaths', { num_paths: 1000, size: 1000 })).error).toMatchObject({ code: -32602, data: expect.stringContaining(String(MAX_RANDOM_POINTS)) });
    expect((await call('calc.randompaths', { num_paths: 1.5 })).error?.code).toBe(-32602);
    expect((await call('calc.randompaths', { size: 0 })).error?.code).toBe(-32602);
  });

  it('should answer a batch with one array in request order, and nothing for notifications', async () => {
    const response = await post([
      { jsonrpc: '2.0', id: 'a', method: 'calc.add', params: [1, 2] },
      { jsonrpc: '2.0', method: 'calc.add', params: [5, 5] }, // notification: no reply
      { jsonrpc: '2.0', id: 'b', method: 'calc.divide', params: [1, 0] },
      { jsonrpc: '2.0', id: 'c', method: 'nope' },
      { jsonrpc: '2.0', id: 'd', method: 'calc.multiply', params: { a: 6, b: 7 } },
      { foo: 'bar' },
    ]);
    expect(response.status).toBe(200);
    const replies = response.json<RpcReply[]>();
    expect(replies.map((r) => [r.id, r.result ?? r.error?.code])).toEqual([
      ['a', 3],
      ['b', -32602],
      ['c', -32601],
      ['d', 42],
      [null, -32600],
    ]);
    // Only notifications: 204, no body.
    const quiet = await post([{ jsonrpc: '2.0', method: 'ping' }]);
    expect(quiet.status).toBe(204);
    expect(quiet.body).toHaveLength(0);
  });

  it('should refuse what is not JSON-RPC over HTTP', async () => {
    expect((await post('{"jsonrpc":"2.0",')).json<RpcReply>().error?.code).toBe(-32700);
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"ping"}', { 'content-type': 'text/plain' })).status).toBe(415);
    const put = await inject(mounted.parts.app, { method: 'PUT', url: '/calculator/', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');
  });

  it('should serve the page at its base, with relative URLs only', async () => {
    const page = await inject(mounted.parts.app, { url: '/calculator/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form id="call">');
    for (const method of ['calc.add', 'calc.subtract', 'calc.multiply', 'calc.divide', 'ping', 'echo', 'server_info', 'functions_list']) {
      expect(page.text).toContain(`<option>${method}</option>`);
    }
    expect(page.text).toContain("new URL('.', location.href)");
    expect(page.text).toContain("new URL('ws', location.href)");
    expect(page.text).not.toMatch(/(src|href|action)="\//);
    expect((await inject(mounted.parts.app, { url: '/calculator' })).headers.location).toBe('/calculator/');
    expect((await inject(mounted.parts.app, { url: '/calculator/other' })).status).toBe(404);
    expect((await inject(mounted.parts.app, { url: '/calculator/ws' })).status).toBe(426);
  });

  it('should serve the same methods over the WebSocket at <base>ws', async () => {
    const ws = new WebSocket(`${server.url!.replace(/^http/, 'ws')}calculator/ws`);
    const replies: RpcReply[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      const value = JSON.parse(data.toString()) as RpcReply | RpcReply[];
      replies.push(...(Array.isArray(value) ? value : [value]));
      waiters.splice(0).forEach((w) => w());
    });
    const until = async (n: number): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (replies.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${replies.length} of ${n} replies`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    };
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'calc.add', params: [3, 7] }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'calc.divide', params: { a: 1, b: 0 } }));
      ws.send(JSON.stringify([{ jsonrpc: '2.0', id: 3, method: 'ping' }, { jsonrpc: '2.0', id: 4, method: 'calc.nothing' }]));
      await until(4);
      const byId = new Map(replies.map((r) => [r.id, r]));
      expect(byId.get(1)?.result).toBe(10);
      expect(byId.get(2)?.error?.code).toBe(-32602);
      expect(byId.get(3)?.result).toBe('pong');
      expect(byId.get(4)?.error?.code).toBe(-32601);
    } finally {
      ws.close();
    }
  });
});

describe('samples/calculator (npm run sample -- calculator)', () => {
  let server: ChildScript;
  afterAll(() => server?.stop());

  it('should serve JSON-RPC at / with two thread workers', async () => {
    server = new ChildScript('scripts/sample.js', ['calculator', '--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'thread']);
    const url = await server.url();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'calc.add', params: [40, 2] }),
    });
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 1, result: 42 });
    expect((await fetch(url)).status).toBe(200);
  }, 30_000);
});
