import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import Redis from 'ioredis';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject, take, toArray } from 'rxjs';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server';
import { backoffDelay, parseRedisUrl, RedisPubSub } from '../../../lib/pubsub/redis';
import type { PubSubState } from '../../../lib/pubsub/types';

/**
 * A TCP relay on a fixed port to the current redis-server, so that a spec can restart Redis
 * (a new process, empty of subscriptions) behind an unchanged URL.
 */
async function relay(target: () => number | undefined): Promise<{ url: string; server: Server; dropAll(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const port = target();
    if (port === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}/0`,
    server,
    dropAll,
    close: async () => {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function recordStates(backend: RedisPubSub): ReplaySubject<PubSubState> {
  const states = new ReplaySubject<PubSubState>();
  backend.state$.subscribe(states);
  return states;
}

const until = (states: ReplaySubject<PubSubState>, wanted: PubSubState, after = 0) =>
  firstValueFrom(states.pipe(filter((s, i) => i >= after && s === wanted)));

const fastBackoff = { initialDelay: 10, maxDelay: 100, jitter: 0 };

/** Asks Redis how many connections subscribe `channel` until it says `count` (bounded: 2000 asks). */
async function numsub(admin: Redis, channel: string, count: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if ((await admin.pubsub('NUMSUB', channel))[1] === count) return;
  }
  throw new Error(`NUMSUB ${channel} never reached ${count}`);
}

describe('RedisPubSub (real redis-server)', () => {
  let redis: RedisServer;
  const backends: RedisPubSub[] = [];
  const make = (url = redis.url, prefix = 'spec:') => {
    const backend = new RedisPubSub(url, { prefix, backoff: fastBackoff, connectTimeout: 1000 });
    backends.push(backend);
    return backend;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('should let two backends see each other’s JSON messages', async () => {
    const a = make();
    const b = make();
    await Promise.all([until(recordStates(a), 'connected'), until(recordStates(b), 'connected')]);
    const onA = firstValueFrom(a.subscribe<{ text: string }>('room').pipe(take(2), toArray()));
    const onB = firstValueFrom(b.subscribe<{ text: string }>('room').pipe(take(2), toArray()));
    // SUBSCRIBE and PUBLISH travel on different connections: wait until Redis counts both.
    const admin = new Redis(redis.url);
    try {
      await numsub(admin, 'spec:room', 2);
    } finally {
      admin.disconnect();
    }
    expect(await lastValueFrom(a.publish('room', { text: 'from a' }))).toBe(2);
    await lastValueFrom(b.publish('room', { text: 'from b' }));
    expect(await onA).toEqual([{ text: 'from a' }, { text: 'from b' }]);
    expect(await onB).toEqual([{ text: 'from a' }, { text: 'from b' }]);
  });

  it('should SUBSCRIBE a channel once per process and UNSUBSCRIBE with the last subscriber', async () => {
    const a = make();
    await until(recordStates(a), 'connected');
    const admin = new Redis(redis.url);
    try {
      const first = a.subscribe('shared').subscribe();
      const second = a.subscribe('shared').subscribe();
      // PUBSUB NUMSUB counts connections: ours is one however many subscribers it serves.
      await numsub(admin, 'spec:shared', 1);
      await lastValueFrom(a.publish('shared', 1)); // a round trip: a second SUBSCRIBE would be counted by now
      expect(await admin.pubsub('NUMSUB', 'spec:shared')).toEqual(['spec:shared', 1]);
      first.unsubscribe();
      expect(await admin.pubsub('NUMSUB', 'spec:shared')).toEqual(['spec:shared', 1]);
      second.unsubscribe();
      await numsub(admin, 'spec:shared', 0);
    } finally {
      admin.disconnect();
    }
  });

  it('should drop non-JSON messages published by others and keep delivering', async () => {
    const a = make();
    await until(recordStates(a), 'connected');
    const got = firstValueFrom(a.subscribe('mixed').pipe(take(1)));
    const admin = new Redis(redis.url);
    try {
      await numsub(admin, 'spec:mixed', 1);
      await admin.publish('spec:mixed', 'not json {');
      await admin.publish('spec:mixed', '{"ok":true}');
      expect(await got).toEqual({ ok: true });
      expect(a.dropped).toBe(1);
    } finally {
      admin.disconnect();
    }
  });

  it('should fail a publish of a value JSON cannot encode', async () => {
    const a = make();
    await expect(lastValueFrom(a.publish('x', { n: 1n }))).rejects.toMatchObject({ code: 'RXP_ERR_PUBSUB_ENCODE' });
  });

  it('should complete subscriptions and state$ on close, and refuse work afterwards', async () => {
    const a = make();
    const states = recordStates(a);
    await until(states, 'connected');
    const messages = lastValueFrom(a.subscribe('c').pipe(toArray()));
    await a.close();
    expect(await messages).toEqual([]);
    expect(await lastValueFrom(states.pipe(take(3), toArray()))).toEqual(['connecting', 'connected', 'closed']);
    await expect(lastValueFrom(a.publish('c', 1))).rejects.toMatchObject({ code: 'RXP_ERR_PUBSUB_CLOSED' });
    await expect(lastValueFrom(a.subscribe('c'))).rejects.toMatchObject({ code: 'RXP_ERR_PUBSUB_CLOSED' });
    expect(a.close()).toBe(a.close());
  });

  it('should reconnect after a Redis restart, show it on state$ and keep its subscriptions', async () => {
    let current: RedisServer | undefined = await startRedisServer();
    const proxy = await relay(() => current?.port);
    try {
      const a = make(proxy.url);
      const b = make(proxy.url);
      const statesA = recordStates(a);
      const statesB = recordStates(b);
      await Promise.all([until(statesA, 'connected'), until(statesB, 'connected')]);
      const received = new ReplaySubject<unknown>();
      a.subscribe('after-restart').subscribe(received);

      // Restart: the old process dies (connections drop), a new empty one takes its place.
      await current.stop();
      current = undefined;
      proxy.dropAll();
      await Promise.all([until(statesA, 'reconnecting'), until(statesB, 'reconnecting')]);
      current = await startRedisServer();
      await Promise.all([until(statesA, 'connected', 2), until(statesB, 'connected', 2)]);

      // `connected` comes after the re-SUBSCRIBE, so this message is seen.
      await lastValueFrom(b.publish('after-restart', { n: 1 }));
      expect(await firstValueFrom(received)).toEqual({ n: 1 });
      const history = await lastValueFrom(statesA.pipe(take(4), toArray()));
      expect(history).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    } finally {
      await proxy.close();
      await current?.stop();
    }
  });

  it('should fail a publish with RXP_ERR_PUBSUB_UNAVAILABLE when Redis stays away', async () => {
    let port: number | undefined = redis.port;
    const proxy = await relay(() => port);
    try {
      const a = new RedisPubSub(proxy.url, { backoff: fastBackoff, publishRetries: 1, connectTimeout: 500 });
      backends.push(a);
      const states = recordStates(a);
      await until(states, 'connected');
      port = undefined; // every reconnection attempt is refused
      proxy.dropAll();
      await until(states, 'reconnecting');
      await expect(lastValueFrom(a.publish('nowhere', 1))).rejects.toMatchObject({ code: 'RXP_ERR_PUBSUB_UNAVAILABLE' });
    } finally {
      await proxy.close();
    }
  });
});

describe('backoffDelay', () => {
  it('should double from initialDelay up to maxDelay', () => {
    const options = { initialDelay: 100, maxDelay: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('should spread by ±jitter', () => {
    expect(backoffDelay(1, { initialDelay: 100, jitter: 0.2, random: () => 0 })).toBe(80);
    expect(backoffDelay(1, { initialDelay: 100, jitter: 0.2, random: () => 1 })).toBe(120);
  });
});

describe('parseRedisUrl', () => {
  it('should accept redis:// and rediss:// URLs with a database number', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/0').port).toBe('6379');
    expect(parseRedisUrl('rediss://:pw@h:1').hostname).toBe('h');
  });

  it('should refuse other schemes and junk, without echoing the password', () => {
    expect(() => parseRedisUrl('http://h/0')).toThrow(expect.objectContaining({ code: 'RXP_ERR_PUBSUB_BAD_URL' }));
    expect(() => parseRedisUrl('redis://h/db')).toThrow(expect.objectContaining({ code: 'RXP_ERR_PUBSUB_BAD_URL' }));
    try {
      parseRedisUrl('memcached://user:secret@h/0');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
    expect(() => new RedisPubSub('nope')).toThrow(expect.objectContaining({ code: 'RXP_ERR_PUBSUB_BAD_URL' }));
  });
});
