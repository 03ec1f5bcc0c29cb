/**
 * The Redis pub/sub backend (`--pubsub redis://127.0.0.1:6379/0`), on ioredis: the same channels
 * seen by every process on every machine that uses the same Redis.
 *
 * Two connections (a subscribing Redis connection cannot publish). Each channel is SUBSCRIBEd
 * once per process however many subscribers it has, and UNSUBSCRIBEd with the last one.
 * Messages travel as JSON. A lost connection is re-made with capped exponential backoff and
 * jitter, for ever, until `close()`; subscriptions are re-made before the state goes back to
 * `connected`, so a message published after `connected` is seen.
 *
 * Note: Redis pub/sub ignores the database number of the URL (channels are server-wide); use
 * `prefix` to keep applications apart on one Redis.
 */
import { debuglog } from 'node:util';
import { BehaviorSubject, distinctUntilChanged, Observable, Subject } from 'rxjs';
import Redis, { type RedisOptions } from 'ioredis';
import { createError } from '../errors';
import type { PubSubBackend, PubSubState } from './types';

const debug = debuglog('rxpulsar:pubsub');

export interface BackoffOptions {
  /** Delay before the second attempt (ms). @default 50 */
  readonly initialDelay?: number;
  /** Fraction of random spread (0 = none) so that clients do not all retry at once. @default 0.2 */
  readonly jitter?: number;
  /** Longest delay (ms). @default 5000 */
  readonly maxDelay?: number;
  /** Source of randomness for the jitter. @default Math.random */
  readonly random?: () => number;
}

export interface RedisPubSubOptions {
  /** Reconnection backoff. */
  readonly backoff?: BackoffOptions;
  /** Ms to wait for a TCP connection before counting the attempt as failed. @default 5000 */
  readonly connectTimeout?: number;
  /** Prepended to every channel name on the wire. @default '' */
  readonly prefix?: string;
  /**
   * Reconnection attempts a publish waits through before it fails with
   * `RXP_ERR_PUBSUB_UNAVAILABLE` (it is queued meanwhile).
   * @default 2
   */
  readonly publishRetries?: number;
}

/** Delay before reconnection attempt `attempt` (1, 2, ...): capped exponential, with jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialDelay = 50, maxDelay = 5000, jitter = 0.2, random = Math.random } = options;
  const base = Math.min(maxDelay, initialDelay * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

/** The URL without its password, for messages and logs. */
function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_m, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`);
}

/** Checks a `redis://` or `rediss://` URL; throws RXP_ERR_PUBSUB_BAD_URL. */
export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw createError('RXP_ERR_PUBSUB_BAD_URL', redact(url), 'not a URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw createError('RXP_ERR_PUBSUB_BAD_URL', redact(url), `scheme ${parsed.protocol} is not redis: or rediss:`);
  }
  if (!/^\/?\d*$/.test(parsed.pathname)) throw createError('RXP_ERR_PUBSUB_BAD_URL', redact(url), 'the path must be a database number');
  return parsed;
}

interface Channel {
  readonly subject: Subject<unknown>;
  subscribers: number;
}

/**
 * Pub/sub over Redis.
 *
 * ```
 * backend A  publish('chat', {m:1}) ──▶ Redis ──▶ backend B  subscribe('chat')  --{m:1}--
 * state$     connecting--connected------(redis restart)--reconnecting--connected--closed|
 * ```
 *
 * ## Example
 * ```ts
 * import { RedisPubSub } from 'rxpulsar';
 * const pubsub = new RedisPubSub('redis://127.0.0.1:6379/0');
 * pubsub.subscribe<{ text: string }>('chat').subscribe((m) => console.log(m.text));
 * pubsub.publish('chat', { text: 'hello' }).subscribe();
 * ```
 */
export class RedisPubSub implements PubSubBackend {
  readonly #url: string;
  readonly #prefix: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channels = new Map<string, Channel>();
  readonly #state = new BehaviorSubject<PubSubState>('connecting');
  #subscriberReady = false;
  #everConnected = false;
  #closed: Promise<void> | undefined;
  /** Messages dropped because they were not JSON (published by someone else). */
  dropped = 0;

  /** The connection state; replays the current one; completes after close(). */
  readonly state$: Observable<PubSubState> = this.#state.pipe(distinctUntilChanged());

  constructor(url: string, options: RedisPubSubOptions = {}) {
    parseRedisUrl(url);
    this.#url = redact(url);
    this.#prefix = options.prefix ?? '';
    const common: RedisOptions = {
      connectTimeout: options.connectTimeout ?? 5000,
      retryStrategy: (attempt: number) => backoffDelay(attempt, options.backoff),
      maxRetriesPerRequest: options.publishRetries ?? 2,
      enableOfflineQueue: true,
      // We re-subscribe ourselves, to know when it is done (see #onSubscriberReady).
      autoResubscribe: false,
      lazyConnect: false,
      // ioredis arms this timer on disconnect() even when the socket is already gone (between
      // reconnection attempts); keep it short so a closed backend does not hold the process.
      disconnectTimeout: 200,
    };
    this.#pub = new Redis(url, common);
    this.#sub = new Redis(url, common);
    for (const [client, name] of [
      [this.#pub, 'publisher'],
      [this.#sub, 'subscriber'],
    ] as const) {
      // Without an 'error' listener ioredis prints every refused connection; state$ tells it.
      client.on('error', (error: Error) => debug('%s %s: %s', this.#url, name, error.message));
      for (const status of ['connect', 'ready', 'close', 'reconnecting', 'end']) client.on(status, () => this.#update());
    }
    this.#sub.on('ready', () => this.#onSubscriberReady());
    this.#sub.on('close', () => {
      this.#subscriberReady = false;
      this.#update();
    });
    this.#sub.on('message', (channel: string, text: string) => this.#onMessage(channel, text));
  }

  publish(channel: string, message: unknown): Observable<number> {
    return new Observable<number>((subscriber) => {
      if (this.#closed) {
        subscriber.error(createError('RXP_ERR_PUBSUB_CLOSED', this.#url));
        return;
      }
      let text: string;
      try {
        text = JSON.stringify(message === undefined ? null : message);
      } catch (error) {
        subscriber.error(createError('RXP_ERR_PUBSUB_ENCODE', channel, error));
        return;
      }
      this.#pub.publish(this.#prefix + channel, text).then(
        (receivers) => {
          subscriber.next(receivers);
          subscriber.complete();
        },
        (error: Error) => subscriber.error(createError('RXP_ERR_PUBSUB_UNAVAILABLE', this.#url, error.message)),
      );
    });
  }

  subscribe<T = unknown>(channel: string): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.#closed) {
        subscriber.error(createError('RXP_ERR_PUBSUB_CLOSED', this.#url));
        return undefined;
      }
      const name = this.#prefix + channel;
      let entry = this.#channels.get(name);
      if (entry === undefined) {
        entry = { subject: new Subject<unknown>(), subscribers: 0 };
        this.#channels.set(name, entry);
        // Queued by ioredis while disconnected; re-made by #onSubscriberReady after a reconnect.
        this.#sub.subscribe(name).catch((error: Error) => debug('subscribe %s: %s', name, error.message));
      }
      const current = entry;
      current.subscribers++;
      const subscription = (current.subject as Subject<T>).subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        if (--current.subscribers > 0 || this.#channels.get(name) !== current) return;
        this.#channels.delete(name);
        if (!this.#closed) this.#sub.unsubscribe(name).catch((error: Error) => debug('unsubscribe %s: %s', name, error.message));
      };
    });
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#state.next('closed');
      for (const entry of this.#channels.values()) entry.subject.complete();
      this.#channels.clear();
      await Promise.all([this.#pub, this.#sub].map((client) => quit(client)));
      this.#state.complete();
    })();
    return this.#closed;
  }

  #onMessage(channel: string, text: string): void {
    const entry = this.#channels.get(channel);
    if (entry === undefined) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.dropped++;
      debug('dropped a non-JSON message on %s', channel);
      return;
    }
    entry.subject.next(message);
  }

  async #onSubscriberReady(): Promise<void> {
    const names = [...this.#channels.keys()];
    try {
      if (names.length > 0) await this.#sub.subscribe(...names);
      this.#subscriberReady = this.#sub.status === 'ready';
    } catch (error) {
      debug('re-subscribe: %s', (error as Error).message);
    }
    this.#update();
  }

  #update(): void {
    if (this.#closed) return;
    let state: PubSubState;
    if (this.#pub.status === 'ready' && this.#subscriberReady) {
      this.#everConnected = true;
      state = 'connected';
    } else {
      state = this.#everConnected ? 'reconnecting' : 'connecting';
    }
    if (state !== this.#state.value) this.#state.next(state);
  }
}

/** QUIT when connected, else drop the connection; resolves once ioredis is done with it. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'reconnecting' || client.status === 'close' || client.status === 'wait') {
    // No socket: disconnect() only cancels the pending attempt, and no 'end' follows.
    client.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') {
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  } else {
    client.disconnect();
  }
  await ended;
}
