/**
 * samples/chat: the wire format and the room first (no sockets; the room in virtual time over an
 * in-memory backend), then the sample for real — `npm run sample -- chat --workers 4` with thread
 * and with process workers, many `ws` clients spread over the workers, every message reaching
 * every client through the embedded pub/sub.
 */
import { asyncScheduler, firstValueFrom, map, Observable, Subject, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { PubSubBackend, PubSubState } from 'rxpulsar';
import { MAX_NAME_LENGTH, normaliseName, normaliseText, parseClientMessage, toChatEvent, type ChatEvent } from '../../samples/chat/protocol';
import { ChatRoom } from '../../samples/chat/room';
import { ChildScript } from '../helpers/child';
import { ChatClient, clientsOnWorkers, within, workersOf } from './chat-client';

describe('samples/chat: the wire format', () => {
  it('should normalise names: whitespace collapsed, control characters dropped, 1 to 32 characters', () => {
    expect(normaliseName('  ada \t lovelace ')).toBe('ada lovelace');
    expect(normaliseName('a\u0000b\u001bc')).toBe('abc');
    expect(normaliseName('   ')).toBeUndefined();
    expect(normaliseName(42)).toBeUndefined();
    expect(normaliseName('x'.repeat(MAX_NAME_LENGTH))).toBe('x'.repeat(MAX_NAME_LENGTH));
    expect(normaliseName('x'.repeat(MAX_NAME_LENGTH + 1))).toBeUndefined();
    // Characters, not UTF-16 units: 32 emoji are a valid name.
    expect(normaliseName('😀'.repeat(MAX_NAME_LENGTH))).toBe('😀'.repeat(MAX_NAME_LENGTH));
  });

  it('should normalise messages as pulsar did: lines stripped, empty lines dropped; HTML kept as text', () => {
    expect(normaliseText('  hello \r\n\n  world  \n')).toBe('hello\nworld');
    expect(normaliseText('<b>bold</b> & "quotes"')).toBe('<b>bold</b> & "quotes"');
    expect(normaliseText(' \n \n')).toBeUndefined();
    expect(normaliseText(null)).toBeUndefined();
  });

  it('should parse client messages and explain what is wrong with the others', () => {
    expect(parseClientMessage('{"type":"join","name":" ada "}')).toEqual({ type: 'join', name: 'ada' });
    expect(parseClientMessage('{"type":"message","text":"hi"}')).toEqual({ type: 'message', text: 'hi' });
    expect(parseClientMessage('hi')).toEqual({ error: 'not JSON' });
    expect(parseClientMessage('null')).toEqual({ error: 'expected an object' });
    expect(parseClientMessage('{"type":"shout"}')).toEqual({ error: 'type must be "join" or "message"' });
    expect(parseClientMessage('{"type":"join","name":""}')).toEqual({ error: 'a name is 1 to 32 characters' });
    expect(parseClientMessage('{"type":"message","text":"  "}')).toEqual({ error: 'a message is 1 to 2000 characters' });
  });

  it('should rebuild channel events with their known fields only and drop malformed ones', () => {
    expect(toChatEvent({ type: 'message', name: 'ada', text: 'hi', worker: 'w1', time: 1, extra: '<script>' })).toEqual({
      type: 'message',
      name: 'ada',
      text: 'hi',
      worker: 'w1',
      time: 1,
    });
    expect(toChatEvent({ type: 'leave', name: 'ada', worker: 'w1', time: 1 })).toEqual({ type: 'leave', name: 'ada', worker: 'w1', time: 1 });
    expect(toChatEvent({ type: 'message', name: 'ada', worker: 'w1', time: 1 })).toBeUndefined();
    expect(toChatEvent({ type: 'join', name: 'ada', worker: 'w1' })).toBeUndefined();
    expect(toChatEvent({ type: 'probe', nonce: 'x' })).toBeUndefined();
    expect(toChatEvent('join')).toBeUndefined();
  });
});

/**
 * An in-memory backend whose subscriptions become live only `lag` ms (scheduler time) after they
 * are made, as the embedded backend's request to the arbiter or Redis's SUBSCRIBE do.
 */
class LaggingBackend implements PubSubBackend {
  readonly published: unknown[] = [];
  readonly state$ = new Observable<PubSubState>((s) => s.next('connected'));
  readonly #subject = new Subject<unknown>();
  closed = 0;

  constructor(
    readonly lag: number,
    readonly now: () => number,
  ) {}

  publish(_channel: string, message: unknown): Observable<number> {
    return new Observable<number>((subscriber) => {
      this.published.push(message);
      this.#subject.next(message);
      subscriber.next(this.#subject.observed ? 1 : 0);
      subscriber.complete();
    });
  }

  subscribe<T>(): Observable<T> {
    return new Observable<T>((subscriber) => {
      const live = this.now() + this.lag;
      return this.#subject.subscribe((m) => {
        if (this.now() >= live) subscriber.next(m as T);
      });
    });
  }

  close(): void {
    this.closed++;
  }
}

describe('samples/chat: ChatRoom', () => {
  it('should be ready at the first probe it reads back, not before its subscription is live', () => {
    let backend: LaggingBackend | undefined;
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      // Probes at 0, 250, 500, 750 ms; the subscription is live from 600 ms: ready at 750 ms.
      backend = new LaggingBackend(600, () => asyncScheduler.now());
      const room = new ChatRoom({ backend, worker: 'w1', probeInterval: 250 });
      expectObservable(room.ready$.pipe(map(() => 'r'))).toBe('750ms (r|)');
      // A late subscriber gets the replay at once.
      expectObservable(room.ready$.pipe(map(() => 'r')), '2000ms ^').toBe('2000ms (r|)');
    });
    // The probes stop once one was read back.
    expect(backend!.published).toHaveLength(4);
    expect(backend!.published.every((m) => (m as { type: string }).type === 'probe')).toBe(true);
  });

  it('should relay valid events, drop malformed ones, and announce its members leaving when closed', async () => {
    const backend = new LaggingBackend(0, () => Date.now());
    const room = new ChatRoom({ backend, worker: 'w1' });
    await firstValueFrom(room.ready$, { defaultValue: undefined });
    const seen: ChatEvent[] = [];
    const subscription: Subscription = room.events$.subscribe((e) => seen.push(e));
    await firstValueFrom(room.join(7, 'ada'));
    await firstValueFrom(room.say(7, 'hello')!);
    expect(room.say(8, 'not a member')).toBeUndefined();
    await firstValueFrom(backend.publish('x', { type: 'message', name: '', text: 'no name', worker: 'evil', time: 1 }));
    await firstValueFrom(backend.publish('x', 'garbage'));
    expect(seen.map((e) => [e.type, e.name, 'text' in e ? e.text : undefined, e.worker])).toEqual([
      ['join', 'ada', undefined, 'w1'],
      ['message', 'ada', 'hello', 'w1'],
    ]);
    room.leave(99); // never joined: nothing published
    await room.close();
    expect(backend.published.slice(-1)).toEqual([expect.objectContaining({ type: 'leave', name: 'ada', worker: 'w1' })]);
    expect(backend.closed).toBe(1);
    expect(subscription.closed).toBe(true); // events$ completed
    await room.close(); // idempotent
    expect(backend.closed).toBe(1);
  });

  it('should fail ready$ when closed before its subscription is live', async () => {
    const backend = new LaggingBackend(60_000, () => Date.now());
    const room = new ChatRoom({ backend, worker: 'w1', probeInterval: 10 });
    const ready = firstValueFrom(room.ready$);
    await room.close();
    await expect(ready).rejects.toThrow('the chat room is closed');
  });
});

describe.each(['thread', 'process'] as const)('samples/chat --workers 4 --concurrency %s', (concurrency) => {
  let server: ChildScript;
  let url: string;
  let wsUrl: string;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    server = new ChildScript('scripts/sample.js', ['chat', '--bind', '127.0.0.1:0', '--workers', '4', '--concurrency', concurrency, '--timeout', '10']);
    url = await server.url();
    wsUrl = `${url.replace(/^http/, 'ws')}ws`;
  }, 40_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  }, 20_000);

  it('should serve the page, with a relative WebSocket URL', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("new URL('ws', location.href)");
    expect(html).not.toMatch(/(src|href)="\//);
    expect((await fetch(`${url}ws`)).status).toBe(426);
    expect((await fetch(`${url}nothing-here`)).status).toBe(404);
  });

  it('should deliver every message to every client, whichever worker serves it', async () => {
    // Given clients spread over the 4 workers (the welcome names the serving worker)
    clients.push(...(await clientsOnWorkers(wsUrl, 4, 32)));
    const workers = workersOf(clients);
    expect(workers.size).toBeGreaterThanOrEqual(2);
    // One speaker per worker, the others only listen.
    const speakers = [...workers].map((w) => clients.find((c) => c.worker === w)!);
    await Promise.all(speakers.map((c, k) => c.join(`user ${k}`)));
    // When each speaker says 3 things
    for (let round = 0; round < 3; round++) speakers.forEach((c, k) => c.send({ type: 'message', text: `m${round} from ${k}` }));
    // Then every client hears every message, each speaker's in the order said
    const expected = speakers.length * 3;
    await Promise.all(clients.map((c) => c.until(() => c.messages.filter((m) => m.type === 'message').length >= expected, 15_000, `${expected} messages`)));
    for (const client of clients) {
      const said = client.messages.filter((m) => m.type === 'message');
      expect(said).toHaveLength(expected);
      speakers.forEach((_, k) => {
        expect(said.filter((m) => m.name === `user ${k}`).map((m) => m.text)).toEqual([0, 1, 2].map((r) => `m${r} from ${k}`));
      });
      // The event names the worker that published it: messages crossed workers.
      expect(new Set(said.map((m) => m.worker))).toEqual(workers);
    }
    // Everyone saw the joins too.
    for (const client of clients) expect(client.messages.filter((m) => m.type === 'join').length).toBeGreaterThanOrEqual(speakers.length);
  }, 60_000);

  it('should announce a member leaving to the members on other workers', async () => {
    const [leaver, ...others] = await clientsOnWorkers(wsUrl, 2, 16);
    clients.push(...others);
    const stay = others.find((c) => c.worker !== leaver.worker);
    expect(stay?.worker).toBeDefined(); // a member on another worker than the leaver's
    await leaver.join('leaver');
    await stay!.until((m) => m.type === 'join' && m.name === 'leaver');
    await leaver.close();
    const left = await stay!.until((m) => m.type === 'leave' && m.name === 'leaver');
    expect(left.worker).toBe(leaver.worker);
  }, 30_000);

  it('should answer bad input to its sender only, and publish JSON-RPC messages to the clients', async () => {
    const [a, b] = [await ChatClient.connect(wsUrl), await ChatClient.connect(wsUrl)];
    clients.push(a, b);
    a.send({ type: 'message', text: 'before joining' });
    expect((await a.until((m) => m.type === 'error')).error).toBe('join first');
    a.ws.send('not json');
    await a.until((m) => m.error === 'not JSON');
    await a.join('a');
    a.send({ type: 'join', name: 'again' });
    expect((await a.until((m) => m.error?.startsWith('already joined') === true)).error).toBe('already joined as a');
    // JSON-RPC over HTTP (pulsar's chat published this way).
    const response = await fetch(`${url}rpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'message', params: { text: '<i>from rpc</i>', name: 'curl' } }),
    });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { result?: number };
    expect(reply.result).toBeGreaterThanOrEqual(1);
    for (const c of [a, b]) expect(await c.until((m) => m.type === 'message' && m.name === 'curl')).toMatchObject({ text: '<i>from rpc</i>' });
    expect(b.messages.some((m) => m.type === 'error')).toBe(false);
  }, 30_000);

  it('should close a connection that floods the room with 1008, after telling it why', async () => {
    const flooder = await ChatClient.connect(wsUrl);
    clients.push(flooder);
    await flooder.join('flooder');
    // Far more than the 64 messages a connection may have waiting to be published.
    const burst = JSON.stringify({ type: 'message', text: 'x' });
    for (let k = 0; k < 2000; k++) flooder.ws.send(burst);
    expect(await within(flooder.closed, 10_000)).toBe(1008);
    expect(flooder.messages.filter((m) => m.error === 'more than 64 messages in flight')).toHaveLength(1);
  }, 20_000);
});
