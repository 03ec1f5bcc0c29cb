import { finalize, map, mergeMap, NEVER, of, throwError } from 'rxjs';
import { WebSocket } from 'ws';
import { closeWith, messages, WebSocketApp, webSocket, type WsRoute } from 'rxpulsar/apps/ws';
import { host, recordingLogger, type Host } from './helpers/host';
import { isType, probe } from './helpers/probe';
import { handshakeRequest, rawConnect, rawHttp } from './helpers/raw-ws';

const echo = webSocket('/echo', (message$) => message$.pipe(messages()));

/** Opens a `ws` client and resolves once it is open. */
function client(port: number, path: string, protocols?: string[], options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(String(data))));
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

describe.each(['plain', 'node:http'] as const)('WebSocketApp hosted by %s', (kind) => {
  let server: Host;
  let app: WebSocketApp;
  let logger: ReturnType<typeof recordingLogger>;
  const clients: WebSocket[] = [];
  beforeEach(() => {
    logger = recordingLogger();
  });

  async function start(routes: WsRoute[], options: ConstructorParameters<typeof WebSocketApp>[1] = {}): Promise<void> {
    app = new WebSocketApp(routes, { pingInterval: 0, logger, ...options });
    server = await host(app, kind);
  }

  afterEach(async () => {
    for (const ws of clients.splice(0)) ws.terminate();
    await server?.close();
  });

  it('should echo text and binary messages', async () => {
    await start([echo]);
    const ws = await client(server.port, '/echo');
    clients.push(ws);
    ws.send('hello');
    expect(await nextMessage(ws)).toBe('hello');
    const binary = new Promise<[Buffer, boolean]>((resolve) => ws.once('message', (data, isBinary) => resolve([data as Buffer, isBinary])));
    ws.send(Buffer.from([0, 1, 2, 255]));
    expect(await binary).toEqual([Buffer.from([0, 1, 2, 255]), true]);
    expect(app.served).toBe(2);
  });

  it('should give the route open first, then messages, then the peer close code and reason', async () => {
    const p = probe('/p');
    await start([p.route]);
    const ws = await client(server.port, '/p');
    clients.push(ws);
    ws.send('one');
    ws.close(4001, 'bye now');
    await p.until(isType('complete'));
    const seen: unknown[] = [];
    p.log.subscribe((e) => seen.push(e)).unsubscribe();
    expect(seen).toEqual([
      { type: 'open' },
      { type: 'message', data: 'one', binary: false },
      { type: 'close', code: 4001, reason: 'bye now' },
      { type: 'complete' },
    ]);
    expect((await closed(ws)).code).toBe(4001);
    expect(app.connections).toBe(0);
  });

  it('should answer 404 for a path no route serves', async () => {
    await start([echo]);
    const answer = await rawHttp(server.port, handshakeRequest('/nope'));
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('/nope');
  });

  it('should answer 400 for a malformed key, 405 for POST, 426 for version 8', async () => {
    await start([echo]);
    expect((await rawHttp(server.port, handshakeRequest('/echo', { 'sec-websocket-key': 'short' }))).status).toBe(400);
    const post = await rawHttp(server.port, handshakeRequest('/echo').replace('GET', 'POST'));
    expect(post.status).toBe(405);
    const v8 = await rawHttp(server.port, handshakeRequest('/echo', { 'sec-websocket-version': '8' }));
    expect(v8.status).toBe(426);
    expect(v8.headers['sec-websocket-version']).toBe('13');
  });

  it('should answer 426 (not 500) to a plain GET on a WebSocket route', async () => {
    await start([echo]);
    const answer = await rawHttp(server.port, 'GET /echo HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(answer.status).toBe(426);
    expect(answer.headers.upgrade).toBe('websocket');
  });

  it('should answer 403 when checkOrigin refuses, and let allowed origins in', async () => {
    await start([webSocket('/echo', (m$) => m$.pipe(messages()), { checkOrigin: (origin) => origin === 'https://good.example' })]);
    const bad = await rawHttp(server.port, handshakeRequest('/echo', { origin: 'https://evil.example' }));
    expect(bad.status).toBe(403);
    const ws = await client(server.port, '/echo', undefined, { origin: 'https://good.example' });
    clients.push(ws);
    ws.send('ok');
    expect(await nextMessage(ws)).toBe('ok');
  });

  it('should select the sub-protocol the route prefers among the offers, or none', async () => {
    const p = probe('/p', (m$, ctx) => m$.pipe(messages(), map(() => ctx.protocol)), { protocols: ['chat.v2', 'chat.v1'] });
    await start([p.route]);
    const both = await client(server.port, '/p', ['chat.v1', 'chat.v2']);
    clients.push(both);
    expect(both.protocol).toBe('chat.v2');
    both.send('?');
    expect(await nextMessage(both)).toBe('chat.v2');
    const unknown = await rawConnect(server.port, handshakeRequest('/p', { 'sec-websocket-protocol': 'mqtt' }));
    expect(unknown.status).toBe(101);
    expect(unknown.headers['sec-websocket-protocol']).toBeUndefined();
    unknown.socket.destroy();
  });

  it('should never select a sub-protocol when the route declares none', async () => {
    await start([echo]);
    const raw = await rawConnect(server.port, handshakeRequest('/echo', { 'sec-websocket-protocol': 'chat' }));
    expect(raw.status).toBe(101);
    expect(raw.headers['sec-websocket-protocol']).toBeUndefined();
    raw.socket.destroy();
  });

  it('should let a selector function choose', async () => {
    await start([webSocket('/s', () => NEVER, { protocols: (offered) => offered.find((p) => p.startsWith('v')) ?? false })]);
    const ws = await client(server.port, '/s', ['x', 'v7']);
    clients.push(ws);
    expect(ws.protocol).toBe('v7');
  });

  it('should negotiate permessage-deflate only when the route enables it', async () => {
    await start([echo, webSocket('/z', (m$) => m$.pipe(messages()), { perMessageDeflate: true })]);
    const plain = await client(server.port, '/echo', undefined, { perMessageDeflate: true });
    const zipped = await client(server.port, '/z', undefined, { perMessageDeflate: true });
    clients.push(plain, zipped);
    expect(plain.extensions).toBe('');
    expect(zipped.extensions).toContain('permessage-deflate');
    const big = 'x'.repeat(10_000);
    zipped.send(big);
    expect(await nextMessage(zipped)).toBe(big);
  });

  it('should expose path params, query, headers and the remote address to the route', async () => {
    const p = probe('/rooms/:room');
    await start([p.route]);
    const raw = await rawConnect(server.port, handshakeRequest('/rooms/blue?user=ann', { 'x-tag': 'a' }));
    await p.until(isType('open'));
    const ctx = p.contexts[0];
    expect(ctx.params).toEqual({ room: 'blue' });
    expect(ctx.path).toBe('/rooms/:room');
    expect(ctx.query.get('user')).toBe('ann');
    expect(ctx.request.headers['x-tag']).toBe('a');
    expect(ctx.remoteAddress).toBe('127.0.0.1');
    expect(ctx.protocol).toBe('');
    raw.socket.destroy();
  });

  /** A client whose messages and close are recorded from the start (they may come with the 101). */
  function recordingClient(path: string): { ws: WebSocket; got: string[]; end: Promise<{ code: number; reason: string }> } {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
    clients.push(ws);
    const got: string[] = [];
    ws.on('message', (d) => got.push(String(d)));
    return { ws, got, end: closed(ws) };
  }

  it('should close with 1000 when the route completes', async () => {
    await start([webSocket('/once', () => of('bye'))]);
    const { got, end } = recordingClient('/once');
    expect(await end).toEqual({ code: 1000, reason: '' });
    expect(got).toEqual(['bye']);
  });

  it('should close with the code of closeWith()', async () => {
    await start([webSocket('/c', () => of('last', closeWith(4000, 'done'), 'never sent'))]);
    const { got, end } = recordingClient('/c');
    expect(await end).toEqual({ code: 4000, reason: 'done' });
    expect(got).toEqual(['last']);
  });

  it('should close with 1011 "Internal error" when the route fails, without leaking the error', async () => {
    const p = probe('/f', (m$) => m$.pipe(messages(), mergeMap(() => throwError(() => new Error('secret db password')))));
    await start([p.route]);
    const ws = await client(server.port, '/f');
    clients.push(ws);
    ws.send('go');
    expect(await closed(ws)).toEqual({ code: 1011, reason: 'Internal error' });
    const failed = await p.until(isType('error'));
    expect(failed.error.code).toBe('RXP_ERR_WS_HANDLER_FAILED');
    expect((failed.error.cause as Error).message).toBe('secret db password');
    expect(logger.lines.join('\n')).toContain('secret db password'); // logged, not sent
  });

  it('should put the error message in the close reason when debug is on', async () => {
    await start([webSocket('/f', () => throwError(() => new Error('boom')), { debug: true })]);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/f`);
    clients.push(ws);
    expect(await closed(ws)).toEqual({ code: 1011, reason: 'boom' });
  });

  it('should close with 1011 when the route throws synchronously', async () => {
    await start([
      webSocket('/t', () => {
        throw new Error('bad route');
      }),
    ]);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/t`);
    clients.push(ws);
    expect((await closed(ws)).code).toBe(1011);
  });

  it('should close with 1011 on an invalid close code instead of throwing', async () => {
    await start([webSocket('/i', () => of(closeWith(1005)))]);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/i`);
    clients.push(ws);
    expect((await closed(ws)).code).toBe(1011);
  });

  it('should unsubscribe the route when the peer drops the TCP connection (close code 1006)', async () => {
    let tornDown = false;
    const p = probe('/d', () => NEVER.pipe(finalize(() => (tornDown = true))));
    await start([p.route]);
    const raw = await rawConnect(server.port, handshakeRequest('/d'));
    await p.until(isType('open'));
    raw.socket.destroy();
    expect(await p.until(isType('close'))).toEqual({ type: 'close', code: 1006, reason: '' });
    expect(tornDown).toBe(true);
    expect(app.connections).toBe(0);
  });

  it('should close every connection with 1001 on close() and refuse new ones with 503', async () => {
    const p = probe('/p');
    await start([p.route]);
    const ws = await client(server.port, '/p');
    clients.push(ws);
    const end = closed(ws);
    const done = app.close(5000);
    expect(await end).toEqual({ code: 1001, reason: 'Server going away' });
    await done;
    expect(app.connections).toBe(0);
    expect(await p.until(isType('close'))).toMatchObject({ code: 1001 });
    expect((await rawHttp(server.port, handshakeRequest('/p'))).status).toBe(503);
    expect(app.close()).toBe(done);
  });
});

describe('WebSocketApp.handleUpgrade with a plain-object request', () => {
  it('should accept repeated headers given as arrays', async () => {
    const app = new WebSocketApp([echo], { pingInterval: 0 });
    const server = await host(app, 'plain');
    try {
      // Two Connection headers: our plain host hands them over as ['keep-alive', 'Upgrade'].
      const request = handshakeRequest('/echo').replace('connection: Upgrade', 'connection: keep-alive\r\nconnection: Upgrade');
      const raw = await rawConnect(server.port, request);
      expect(raw.status).toBe(101);
      raw.socket.destroy();
    } finally {
      await server.close();
    }
  });
});
