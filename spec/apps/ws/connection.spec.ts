import { filter, firstValueFrom, map, mergeMap, range, tap, VirtualTimeScheduler, type Observable } from 'rxjs';
import { WebSocket } from 'ws';
import { messages, WebSocketApp, type WebSocketAppOptions, type WsIncoming, type WsRoute } from 'rxpulsar/apps/ws';
import { isValidCloseCode, truncateReason } from '../../../apps/ws/connection';
import { host, recordingLogger, type Host } from './helpers/host';
import { isType, probe, type Probe } from './helpers/probe';
import { closeFrame, frame, handshakeRequest, OP, rawConnect, type RawWs, type ServerFrame } from './helpers/raw-ws';

let server: Host | undefined;
let app: WebSocketApp;
const sockets: RawWs[] = [];

async function start(routes: WsRoute[], options: WebSocketAppOptions = {}): Promise<void> {
  app = new WebSocketApp(routes, { pingInterval: 0, logger: recordingLogger(), ...options });
  server = await host(app, 'plain');
}

async function connect(path: string): Promise<RawWs> {
  const raw = await rawConnect(server!.port, handshakeRequest(path));
  expect(raw.status).toBe(101);
  sockets.push(raw);
  return raw;
}

/** Reads frames until a close frame (data frames before it are returned too). */
async function untilClose(raw: RawWs): Promise<{ close: ServerFrame; before: ServerFrame[] }> {
  const before: ServerFrame[] = [];
  for (;;) {
    const f = await raw.nextFrame();
    if (f.opcode === OP.close) return { close: f, before };
    before.push(f);
  }
}

afterEach(async () => {
  for (const raw of sockets.splice(0)) raw.socket.destroy();
  await server?.close();
  server = undefined;
});

describe('WsConnection: RFC 6455 framing, with raw bytes', () => {
  let p: Probe;
  beforeEach(async () => {
    p = probe('/echo', (m$) => m$.pipe(messages()));
    await start([p.route], { maxPayload: 1024 });
  });

  it('should echo a masked text frame, unmasked (§5.1)', async () => {
    const raw = await connect('/echo');
    raw.send(frame(OP.text, 'hi'));
    expect(await raw.nextFrame()).toMatchObject({ fin: true, opcode: OP.text, payload: Buffer.from('hi') });
  });

  it('should echo multi-byte text as a text frame with the same bytes, sync or not', async () => {
    await server?.close();
    const later = probe('/later', (m$) => m$.pipe(messages(), mergeMap((text) => Promise.resolve(text))));
    const upper = probe('/upper', (m$) => m$.pipe(messages(), map((data) => (typeof data === 'string' ? data.toUpperCase() : data))));
    await start([p.route, later.route, upper.route], { maxPayload: 1024 });
    const text = 'héllo wörld — 😀';
    for (const [path, expected] of [['/echo', text], ['/later', text], ['/upper', text.toUpperCase()]]) {
      const raw = await connect(path);
      raw.send(frame(OP.text, text));
      raw.send(frame(OP.binary, Buffer.from(text)));
      expect(await raw.nextFrame()).toMatchObject({ opcode: OP.text, payload: Buffer.from(expected) });
      // A binary message is echoed as binary, never through the text shortcut.
      expect(await raw.nextFrame()).toMatchObject({ opcode: OP.binary, payload: Buffer.from(text) });
    }
  });

  it('should serve frames sent in the same packet as the handshake (the upgrade `head`)', async () => {
    const raw = await rawConnect(server!.port, Buffer.concat([Buffer.from(handshakeRequest('/echo')), frame(OP.text, 'early')]));
    sockets.push(raw);
    expect(raw.status).toBe(101);
    expect((await raw.nextFrame()).payload.toString()).toBe('early');
  });

  it('should deliver each of several frames that arrive in one TCP chunk (pulsar §6.2 bug)', async () => {
    const raw = await connect('/echo');
    raw.send(Buffer.concat([frame(OP.text, 'one'), frame(OP.text, 'two'), frame(OP.binary, Buffer.from([7]))]));
    expect((await raw.nextFrame()).payload.toString()).toBe('one');
    expect((await raw.nextFrame()).payload.toString()).toBe('two');
    expect(await raw.nextFrame()).toMatchObject({ opcode: OP.binary, payload: Buffer.from([7]) });
  });

  it('should reassemble a fragmented message and answer a ping sent between fragments (§5.4)', async () => {
    const raw = await connect('/echo');
    raw.send(frame(OP.text, 'ab', { fin: false }));
    raw.send(frame(OP.ping, 'are you there'));
    raw.send(frame(OP.continuation, 'cd', { fin: false }));
    raw.send(frame(OP.continuation, 'ef'));
    expect(await raw.nextFrame()).toMatchObject({ opcode: OP.pong, payload: Buffer.from('are you there') });
    expect(await raw.nextFrame()).toMatchObject({ opcode: OP.text, payload: Buffer.from('abcdef') });
  });

  it('should echo the close frame and report code and reason to the route (§5.5.1)', async () => {
    const raw = await connect('/echo');
    raw.send(closeFrame(1000, 'done'));
    expect((await untilClose(raw)).close).toMatchObject({ code: 1000 });
    await raw.ended;
    expect(await p.until(isType('close'))).toEqual({ type: 'close', code: 1000, reason: 'done' });
  });

  const violations: Array<[string, number, string, Buffer]> = [
    ['an unmasked client frame', 1002, 'RXP_ERR_WS_PROTOCOL', frame(OP.text, 'x', { mask: false })],
    ['a reserved opcode (0x3)', 1002, 'RXP_ERR_WS_PROTOCOL', frame(0x3, 'x')],
    ['RSV1 without a negotiated extension', 1002, 'RXP_ERR_WS_PROTOCOL', frame(OP.text, 'x', { rsv: 4 })],
    ['a fragmented ping', 1002, 'RXP_ERR_WS_PROTOCOL', frame(OP.ping, 'x', { fin: false })],
    ['a ping of 126 bytes', 1002, 'RXP_ERR_WS_PROTOCOL', frame(OP.ping, Buffer.alloc(126))],
    ['a continuation without a start', 1002, 'RXP_ERR_WS_PROTOCOL', frame(OP.continuation, 'x')],
    ['close code 1005 on the wire', 1002, 'RXP_ERR_WS_PROTOCOL', closeFrame(1005)],
    ['a text frame with bad UTF-8', 1007, 'RXP_ERR_WS_INVALID_UTF8', frame(OP.text, Buffer.from([0x68, 0xc3, 0x28]))],
    ['a close reason with bad UTF-8', 1007, 'RXP_ERR_WS_INVALID_UTF8', Buffer.concat([frame(OP.close, Buffer.from([0x03, 0xe8, 0xff, 0xfe]))])],
    ['a message above maxPayload', 1009, 'RXP_ERR_WS_MESSAGE_TOO_BIG', frame(OP.binary, Buffer.alloc(1025))],
  ];

  it.each(violations)('should answer %s with close code %d and error message$ with %s', async (_name, code, errorCode, bytes) => {
    const raw = await connect('/echo');
    raw.send(bytes);
    expect((await untilClose(raw)).close.code).toBe(code);
    const failed = await p.until(isType('error'));
    expect(failed.error.code).toBe(errorCode);
    await raw.ended;
    await firstValueFrom(app.connections$.pipe(filter((n) => n === 0)));
  });

  it('should close with 1009 when fragments add up past maxPayload', async () => {
    const raw = await connect('/echo');
    raw.send(frame(OP.binary, Buffer.alloc(600), { fin: false }));
    raw.send(frame(OP.continuation, Buffer.alloc(600)));
    expect((await untilClose(raw)).close.code).toBe(1009);
    expect((await p.until(isType('error'))).error.code).toBe('RXP_ERR_WS_MESSAGE_TOO_BIG');
  });

  it('should accept a message of exactly maxPayload bytes', async () => {
    const raw = await connect('/echo');
    raw.send(frame(OP.binary, Buffer.alloc(1024, 1)));
    expect((await raw.nextFrame()).payload.length).toBe(1024);
  });
});

describe('WsConnection: keep-alive (virtual time, real sockets)', () => {
  let scheduler: VirtualTimeScheduler;
  /** Runs the keep-alive timer forward by `ms` of virtual time. */
  const advance = (ms: number): void => {
    scheduler.maxFrames = scheduler.frame + ms;
    scheduler.flush();
  };

  beforeEach(() => {
    scheduler = new VirtualTimeScheduler();
    scheduler.maxFrames = 0;
  });

  it('should ping, then drop a peer that never answers (no close frame; message$ errors)', async () => {
    const p = probe('/p');
    await start([p.route], { pingInterval: 30_000, scheduler });
    const raw = await connect('/p'); // a raw client never answers pings
    await p.until(isType('open'));
    advance(30_000);
    expect(await raw.nextFrame()).toMatchObject({ opcode: OP.ping });
    advance(30_000);
    await raw.ended;
    const failed = await p.until(isType('error'));
    expect(failed.error.code).toBe('RXP_ERR_WS_DEAD_PEER');
    await firstValueFrom(app.connections$.pipe(filter((n) => n === 0)));
  });

  it('should keep a peer that answers pings (ws clients pong automatically)', async () => {
    await start([probe('/echo', (m$) => m$.pipe(messages())).route], { pingInterval: 30_000, scheduler });
    const ws = new WebSocket(`ws://127.0.0.1:${server!.port}/echo`);
    await new Promise((resolve) => ws.once('open', resolve));
    for (let i = 0; i < 3; i++) {
      const pinged = new Promise((resolve) => ws.once('ping', resolve));
      advance(30_000);
      await pinged;
      // The pong left before this message; the echo proves the server has read both.
      const echoed = new Promise((resolve) => ws.once('message', resolve));
      ws.send(`after ping ${i}`);
      await echoed;
    }
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(app.connections).toBe(1);
    ws.terminate();
  });
});

describe('WsConnection: send-buffer backpressure', () => {
  const CHUNK = 64 * 1024;
  const BURST = 400; // 25 MiB: well past what the kernel buffers on loopback
  /** On 'burst', emits BURST messages of 64 KiB at once. */
  const burst = (message$: Observable<WsIncoming>) =>
    message$.pipe(
      messages(),
      mergeMap((m) => (m === 'burst' ? range(0, BURST).pipe(map(() => Buffer.alloc(CHUNK))) : [String(m)])),
    );

  it("'close' should close with 1013 once the buffer passes the mark", async () => {
    const p = probe('/b', burst, { backpressure: 'close', sendHighWaterMark: 256 * 1024 });
    await start([p.route]);
    const raw = await connect('/b');
    raw.socket.pause(); // a client that does not read
    raw.send(frame(OP.text, 'burst'));
    const failed = await p.until(isType('error'));
    expect(failed.error.code).toBe('RXP_ERR_WS_SLOW_CONSUMER');
    raw.socket.resume();
    const { close, before } = await untilClose(raw);
    expect(close.code).toBe(1013);
    expect(before.length).toBeLessThan(BURST);
  });

  it("'drop' should drop messages while above the mark and keep the connection", async () => {
    const p = probe('/b', burst, { backpressure: 'drop', sendHighWaterMark: 256 * 1024 });
    await start([p.route]);
    const raw = await connect('/b');
    raw.socket.pause();
    raw.send(frame(OP.text, 'burst'));
    raw.send(frame(OP.text, 'still there?'));
    await p.until((e) => e.type === 'message' && e.data === 'still there?');
    const ctx = p.contexts[0];
    const dropped = ctx.dropped; // the echo of 'still there?' may be dropped too
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(BURST);
    raw.socket.resume();
    let binary = 0;
    while (binary + dropped < BURST) if ((await raw.nextFrame()).opcode === OP.binary) binary++;
    // The client has read everything: the buffer is empty and nothing is dropped any more.
    raw.send(frame(OP.text, 'again'));
    for (;;) {
      const f = await raw.nextFrame();
      if (f.opcode === OP.text && f.payload.toString() === 'again') break;
    }
    expect(binary + dropped).toBe(BURST);
    expect(app.connections).toBe(1);
  });

  it("'wait' should stop reading the peer until its buffer drained under the mark", async () => {
    const mark = 256 * 1024;
    let bufferedWhenRead = -1;
    const p = probe(
      '/b',
      (message$, ctx) =>
        burst(message$.pipe(tap((e) => e.type === 'message' && e.data === 'next' && (bufferedWhenRead = ctx.bufferedAmount)))),
      { backpressure: 'wait', sendHighWaterMark: mark, maxBufferedAmount: 1024 * 1024 * 1024 },
    );
    await start([p.route]);
    const raw = await connect('/b');
    raw.socket.pause();
    raw.send(frame(OP.text, 'burst'));
    await p.until((e) => e.type === 'message' && e.data === 'burst');
    expect(p.contexts[0].bufferedAmount).toBeGreaterThan(mark); // the burst is queued
    raw.send(frame(OP.text, 'next')); // the server is not reading: this waits in the kernel
    raw.socket.resume();
    let received = 0;
    for (;;) {
      const f = await raw.nextFrame();
      if (f.opcode === OP.text) break;
      received++;
    }
    expect(received).toBe(BURST); // nothing dropped
    // 'next' was read only once the buffer had drained under the mark.
    expect(bufferedWhenRead).toBeGreaterThanOrEqual(0);
    expect(bufferedWhenRead).toBeLessThanOrEqual(mark);
  });

  it("'wait' should close with 1013 past maxBufferedAmount", async () => {
    const p = probe('/b', burst, { backpressure: 'wait', sendHighWaterMark: 64 * 1024, maxBufferedAmount: 512 * 1024 });
    await start([p.route]);
    const raw = await connect('/b');
    raw.socket.pause();
    raw.send(frame(OP.text, 'burst'));
    expect((await p.until(isType('error'))).error.code).toBe('RXP_ERR_WS_SLOW_CONSUMER');
    raw.socket.resume();
    expect((await untilClose(raw)).close.code).toBe(1013);
  });
});

describe('close helpers', () => {
  it('should know which close codes may be sent (RFC 6455 §7.4)', () => {
    expect([1000, 1001, 1003, 1007, 1011, 1013, 1014, 3000, 4999].every(isValidCloseCode)).toBe(true);
    expect([999, 1004, 1005, 1006, 1015, 2999, 5000].some(isValidCloseCode)).toBe(false);
  });

  it('should cut close reasons to 123 bytes without splitting a character', () => {
    expect(truncateReason('short')).toBe('short');
    const cut = truncateReason('é'.repeat(100));
    expect(Buffer.byteLength(cut)).toBe(122);
    expect(cut).toBe('é'.repeat(61));
  });
});
