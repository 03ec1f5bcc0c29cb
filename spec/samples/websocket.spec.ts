/**
 * samples/websocket: pulsar's "websocket graph". The random walk in virtual time first, then the
 * sample mounted at `/websocket/` in a server running in this process (one inline worker): the
 * data stream's pace and shape over a real WebSocket, the echo route, the page.
 */
import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { arbiter } from 'rxpulsar';
import { inject } from 'rxpulsar/apps/wsgi';
import WebSocket from 'ws';
import { createWebSocketSample } from '../../samples/websocket/app';
import { randomWalk$, type GraphPoint } from '../../samples/websocket/random-walk';
import { ChildScript } from '../helpers/child';
import { mountInProcess } from '../helpers/samples';

/** Returns `values` in turn, for ever. */
const cycle = (...values: number[]): (() => number) => {
  let k = 0;
  return () => values[k++ % values.length];
};

describe('samples/websocket: randomWalk$', () => {
  const testScheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

  it('should emit the first point at once, then one every minInterval–maxInterval ms', () => {
    testScheduler().run(({ expectObservable }) => {
      // random() = 0: the shortest wait (100 ms) and a step of −1.
      const shortest$ = randomWalk$({ random: () => 0 }).pipe(map((p) => `${p.i}:${p.v}@${p.t}`));
      expectObservable(shortest$, '^ 350ms !').toBe('a 99ms b 99ms c 99ms d', { a: '0:0@0', b: '1:-1@100', c: '2:-2@200', d: '3:-3@300' });
      // random() → 0.9999: the longest wait (250 ms) and a step of almost +1.
      const longest$ = randomWalk$({ random: () => 0.99999 }).pipe(map((p) => p.i));
      expectObservable(longest$, '^ 800ms !').toBe('a 249ms b 249ms c 249ms d', { a: 0, b: 1, c: 2, d: 3 });
    });
  });

  it('should draw each wait and step from the random source, within bounds', () => {
    testScheduler().run(({ expectObservable }) => {
      // Draws alternate: wait (0.5 → 100 + floor(0.5 × 151) = 175 ms), then step (0.75 → +0.5).
      const walk$ = randomWalk$({ random: cycle(0.5, 0.75), amplitude: 1, start: 10 }).pipe(take(3));
      expectObservable(walk$).toBe('a 174ms b 174ms (c|)', {
        a: { i: 0, t: 0, v: 10 },
        b: { i: 1, t: 175, v: 10.5 },
        c: { i: 2, t: 350, v: 11 },
      });
    });
  });

  it('should cancel its timer when unsubscribed, and refuse inverted intervals', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable, flush }) => {
      // Only the walk's timer draws numbers: a draw after the unsubscription (150 ms) is a timer
      // left running, and fails the flush.
      let draws = 0;
      const random = (): number => {
        if (scheduler.now() > 150) throw new Error(`random() drawn at ${scheduler.now()} ms, after the unsubscription`);
        draws++;
        return 0;
      };
      expectObservable(randomWalk$({ random }).pipe(map((p) => p.i)), '^ 150ms !').toBe('a 99ms b', { a: 0, b: 1 });
      flush();
      expect(draws).toBe(3); // the first delay, then the step and the delay at 100 ms
    });
    expect(() => randomWalk$({ minInterval: 300, maxInterval: 200 })).toThrow(TypeError);
  });
});

describe('samples/websocket mounted at /websocket/ (in process)', () => {
  const mounted = mountInProcess('websocket', '/websocket/', createWebSocketSample());
  const { server } = mounted;
  const wsUrl = (path: string): string => `${server.url!.replace(/^http/, 'ws')}websocket/${path}`;

  /** Opens a client and collects its messages (data + whether binary). */
  const open = async (path: string): Promise<{ ws: WebSocket; got: Array<{ data: Buffer; binary: boolean; at: number }>; until: (n: number, ms: number) => Promise<void> }> => {
    const ws = new WebSocket(wsUrl(path));
    const got: Array<{ data: Buffer; binary: boolean; at: number }> = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data: Buffer, binary: boolean) => {
      got.push({ data, binary, at: Date.now() });
      waiters.splice(0).forEach((w) => w());
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const until = async (n: number, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`${got.length} of ${n} messages within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    };
    return { ws, got, until };
  };

  beforeAll(() => server.start(), 30_000);
  afterAll(() => arbiter().stop('spec over'));

  it('should push well-formed points every 100–250 ms on <base>data, and stop when the client leaves', async () => {
    const client = await open('data');
    const started = Date.now();
    try {
      // 10 points: the first at once, 9 waits of 100–250 ms: 0.9–2.25 s (+ timer lateness).
      await client.until(10, 5000);
    } finally {
      client.ws.close();
    }
    const elapsed = client.got[9].at - started;
    expect(elapsed).toBeGreaterThanOrEqual(9 * 100 - 20);
    expect(elapsed).toBeLessThan(9 * 250 + 1500);
    const points = client.got.slice(0, 10).map((m) => {
      expect(m.binary).toBe(false);
      return JSON.parse(m.data.toString()) as GraphPoint;
    });
    points.forEach((p, k) => {
      expect(Object.keys(p).sort()).toEqual(['i', 't', 'v']);
      expect(p.i).toBe(k);
      expect(Number.isFinite(p.v)).toBe(true);
      if (k === 0) {
        expect(p.v).toBe(0);
        return;
      }
      // The server's own clock: each wait 100–250 ms (a timer may fire a little late).
      const wait = p.t - points[k - 1].t;
      expect(wait).toBeGreaterThanOrEqual(99);
      expect(wait).toBeLessThanOrEqual(250 + 200);
      expect(Math.abs(p.v - points[k - 1].v)).toBeLessThanOrEqual(1.0001);
    });
    // The connection is gone on the server, and with it the walk's timer.
    const deadline = Date.now() + 5000;
    while (mounted.parts.ws.connections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mounted.parts.ws.connections).toBe(0);
  }, 15_000);

  it('should give each connection its own walk', async () => {
    const [a, b] = await Promise.all([open('data'), open('data')]);
    try {
      await Promise.all([a.until(3, 3000), b.until(3, 3000)]);
      for (const c of [a, b]) expect((JSON.parse(c.got[0].data.toString()) as GraphPoint).i).toBe(0);
    } finally {
      a.ws.close();
      b.ws.close();
    }
  });

  it('should echo text as text and binary as binary on <base>echo', async () => {
    const client = await open('echo');
    try {
      const bytes = Buffer.from([0, 1, 2, 254, 255]);
      client.ws.send('Hi there!');
      client.ws.send(bytes);
      client.ws.send('é ✓ 😀');
      await client.until(3, 3000);
      expect(client.got.map((m) => (m.binary ? [...m.data] : m.data.toString()))).toEqual(['Hi there!', [...bytes], 'é ✓ 😀']);
      expect(client.got.map((m) => m.binary)).toEqual([false, true, false]);
    } finally {
      client.ws.close();
    }
  });

  it('should serve the page at its base: a canvas, relative WebSocket URLs, no external asset', async () => {
    const page = await inject(mounted.parts.app, { url: '/websocket/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<canvas id="plot"');
    expect(page.text).toContain("socketUrl('data')");
    expect(page.text).toContain("socketUrl('echo')");
    expect(page.text).not.toMatch(/(src|href)="(\/|https?:)/);
    expect((await inject(mounted.parts.app, { method: 'POST', url: '/websocket/', body: 'x' })).status).toBe(405);
    expect((await inject(mounted.parts.app, { url: '/websocket/data' })).status).toBe(426);
    expect((await inject(mounted.parts.app, { url: '/websocket/nothing' })).status).toBe(404);
  });
});

describe('samples/websocket (npm run sample -- websocket)', () => {
  let server: ChildScript;
  afterAll(() => server?.stop());

  it('should serve the page at / and points on /data', async () => {
    server = new ChildScript('scripts/sample.js', ['websocket', '--bind', '127.0.0.1:0', '--workers', '1', '--concurrency', 'thread']);
    const url = await server.url();
    expect((await fetch(url)).status).toBe(200);
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}data`);
    const first = await new Promise<GraphPoint>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no point within 5 s')), 5000);
      ws.once('message', (data: Buffer) => (clearTimeout(timer), resolve(JSON.parse(data.toString()) as GraphPoint)));
      ws.once('error', reject);
    });
    ws.close();
    expect(first).toMatchObject({ i: 0, v: 0 });
  }, 30_000);
});
