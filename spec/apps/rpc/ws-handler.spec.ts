import { filter, firstValueFrom, NEVER, Observable, ReplaySubject, Subject, take, toArray } from 'rxjs';
import { WebSocket } from 'ws';
import { WebSocketApp, webSocket } from 'rxpulsar/apps/ws';
import { RpcDispatcher, rpcWebSocket } from 'rxpulsar/apps/rpc';
import { host, recordingLogger, type Host } from '../ws/helpers/host';

type Json = Record<string, any>;

describe('rpcWebSocket', () => {
  let server: Host;
  let ws: WebSocket;
  let incoming: ReplaySubject<Json>;
  const streamTorn = new Subject<string>();
  const gate = new Subject<string>();
  const waiting = new ReplaySubject<string>();

  const dispatcher = new RpcDispatcher({
    add: (a: number, b: number) => a + b,
    countdown: (n: number) =>
      new Observable<number>((subscriber) => {
        for (let i = n; i > 0; i--) subscriber.next(i);
        subscriber.complete();
      }),
    forever: (name: string) =>
      new Observable<never>(() => () => {
        streamTorn.next(name);
      }),
    wait: (key: string) => {
      const opened = firstValueFrom(gate.pipe(filter((k) => k === key)));
      waiting.next(key);
      return opened;
    },
    never: () => NEVER,
  });

  async function open(options: Parameters<typeof rpcWebSocket>[1] = {}): Promise<void> {
    const app = new WebSocketApp([webSocket('/rpc', rpcWebSocket(dispatcher, options))], { pingInterval: 0, logger: recordingLogger() });
    server = await host(app, 'plain');
    ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc`);
    incoming = new ReplaySubject<Json>();
    ws.on('message', (data) => incoming.next(JSON.parse(String(data)) as Json));
    await new Promise((resolve) => ws.once('open', resolve));
  }

  const send = (message: unknown): void => ws.send(JSON.stringify(message));
  const next = (predicate: (m: Json) => boolean): Promise<Json> => firstValueFrom(incoming.pipe(filter(predicate)));
  const reply = (id: unknown): Promise<Json> => next((m) => m.id === id);

  afterEach(async () => {
    ws.terminate();
    await server.close();
  });

  it('should answer calls and batches', async () => {
    await open();
    send({ jsonrpc: '2.0', method: 'add', params: [1, 2], id: 1 });
    expect(await reply(1)).toEqual({ jsonrpc: '2.0', id: 1, result: 3 });
    send([
      { jsonrpc: '2.0', method: 'add', params: [1, 1], id: 'a' },
      { jsonrpc: '2.0', method: 'add', params: [2, 2] },
      { jsonrpc: '2.0', method: 'add', params: [3, 3], id: 'b' },
    ]);
    expect(await next(Array.isArray)).toEqual([
      { jsonrpc: '2.0', id: 'a', result: 2 },
      { jsonrpc: '2.0', id: 'b', result: 6 },
    ]);
  });

  it('should read binary messages as UTF-8 and answer bad JSON with −32700', async () => {
    await open();
    ws.send(Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'add', params: [2, 3], id: 2 })));
    expect(await reply(2)).toMatchObject({ result: 5 });
    ws.send('{nope');
    expect(await reply(null)).toMatchObject({ error: { code: -32700 } });
  });

  it('should stream an Observable method as rpc.next notifications, then reply null', async () => {
    await open();
    send({ jsonrpc: '2.0', method: 'countdown', params: [3], id: 9 });
    const all = await firstValueFrom(incoming.pipe(take(4), toArray()));
    expect(all).toEqual([
      { jsonrpc: '2.0', method: 'rpc.next', params: { id: 9, value: 3 } },
      { jsonrpc: '2.0', method: 'rpc.next', params: { id: 9, value: 2 } },
      { jsonrpc: '2.0', method: 'rpc.next', params: { id: 9, value: 1 } },
      { jsonrpc: '2.0', id: 9, result: null },
    ]);
  });

  it('should cancel a call in flight on rpc.cancel, answering −32800', async () => {
    await open();
    const torn = firstValueFrom(streamTorn.pipe(filter((n) => n === 'c1')));
    send({ jsonrpc: '2.0', method: 'forever', params: ['c1'], id: 'c1' });
    send({ jsonrpc: '2.0', method: 'rpc.cancel', params: ['c1'] });
    expect(await reply('c1')).toMatchObject({ error: { code: -32800 } });
    await torn;
  });

  it('should answer rpc.cancel sent as a call with null', async () => {
    await open();
    send({ jsonrpc: '2.0', method: 'never', id: 'n' });
    send({ jsonrpc: '2.0', method: 'rpc.cancel', params: { id: 'n' }, id: 'cancel' });
    expect(await reply('cancel')).toEqual({ jsonrpc: '2.0', id: 'cancel', result: null });
    expect(await reply('n')).toMatchObject({ error: { code: -32800 } });
  });

  it('should stop calls in flight when the connection closes', async () => {
    await open();
    const torn = firstValueFrom(streamTorn.pipe(filter((n) => n === 'c2')));
    send({ jsonrpc: '2.0', method: 'forever', params: ['c2'], id: 1 });
    send({ jsonrpc: '2.0', method: 'add', params: [0, 0], id: 2 });
    await reply(2); // the first call was dispatched before this reply
    ws.close();
    await torn;
  });

  it('should serve calls concurrently, replies in completion order', async () => {
    await open();
    send({ jsonrpc: '2.0', method: 'wait', params: ['first'], id: 1 });
    send({ jsonrpc: '2.0', method: 'add', params: [1, 1], id: 2 });
    expect(await reply(2)).toMatchObject({ result: 2 });
    await firstValueFrom(waiting.pipe(filter((k) => k === 'first')));
    gate.next('first');
    expect(await reply(1)).toMatchObject({ result: 'first' });
  });

  it('should hold further calls beyond `concurrency`', async () => {
    await open({ concurrency: 1 });
    send({ jsonrpc: '2.0', method: 'wait', params: ['k'], id: 1 });
    send({ jsonrpc: '2.0', method: 'add', params: [1, 1], id: 2 });
    const order: unknown[] = [];
    incoming.subscribe((m) => order.push(m.id));
    await firstValueFrom(waiting.pipe(filter((k) => k === 'k')));
    gate.next('k');
    await reply(2);
    expect(order).toEqual([1, 2]);
  });
});
