/**
 * Embedded pub/sub: named channels held by the arbiter, so a message published in any worker
 * (thread, process or inline) reaches subscribers in every worker of the tree. The default
 * backend: nothing to install. For several machines, use the Redis backend.
 *
 * In the arbiter, a channel is a Subject. A worker's `subscribe(channel)` is one streamed
 * `pubsub_subscribe` request to the arbiter per channel (shared by every subscriber of that
 * channel in the worker); unsubscribing the last one cancels it, so the arbiter forgets the
 * worker. Publishing is fire-and-forget from the caller's view but acknowledged, so an Observable
 * returned by `publish` completes once the arbiter has fanned the message out.
 */
import { BehaviorSubject, Observable, Subject, finalize, map, share } from 'rxjs';
import { arbiter, type Arbiter } from '../actor/arbiter';
import { request } from '../actor/api';
import { hostedBootData } from '../actor/boot';
import { ARBITER } from '../actor/protocol';

import type { PubSubBackend, PubSubState } from './types';

export type EmbeddedState = Extract<PubSubState, 'connected' | 'closed'>;

const installed = new WeakSet<Arbiter>();

/** Registers the pub/sub commands on the arbiter (idempotent). */
export function installEmbeddedPubSub(a: Arbiter = arbiter()): void {
  if (installed.has(a)) return;
  installed.add(a);
  const channels = new Map<string, { subject: Subject<unknown>; subscribers: number }>();
  a.command('pubsub_publish', (_ctx, name: string, message: unknown) => {
    const entry = channels.get(String(name));
    entry?.subject.next(message);
    return entry?.subscribers ?? 0;
  });
  a.command('pubsub_subscribe', (_ctx, name: string) => {
    const key = String(name);
    return new Observable<unknown>((subscriber) => {
      let entry = channels.get(key);
      if (!entry) {
        entry = { subject: new Subject<unknown>(), subscribers: 0 };
        channels.set(key, entry);
      }
      const current = entry;
      current.subscribers++;
      const subscription = current.subject.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        // The arbiter forgets a channel once nobody listens.
        if (--current.subscribers === 0) channels.delete(key);
      };
    });
  });
  a.command('pubsub_channels', () => [...channels.keys()]);
}

/** The embedded backend, usable in the arbiter and in any worker. */
export class EmbeddedPubSub implements PubSubBackend {
  readonly #state = new BehaviorSubject<EmbeddedState>('connected');
  readonly #streams = new Map<string, Observable<unknown>>();
  /** Connection state: always connected until closed (there is no network). */
  readonly state$: Observable<EmbeddedState> = this.#state.asObservable();

  constructor() {
    if (!hostedBootData()) installEmbeddedPubSub();
  }

  /** Publishes `message` on `channel`; emits how many subscriber streams received it, then completes. */
  publish(channel: string, message: unknown): Observable<number> {
    return request<number>({ to: ARBITER, command: 'pubsub_publish', args: [channel, message] });
  }

  /** Messages published on `channel` from now on, from any worker. */
  subscribe<T = unknown>(channel: string): Observable<T> {
    let stream = this.#streams.get(channel);
    if (!stream) {
      stream = request<unknown>({ to: ARBITER, command: 'pubsub_subscribe', args: [channel], timeout: 0 }).pipe(
        finalize(() => this.#streams.delete(channel)),
        share(),
      );
      this.#streams.set(channel, stream);
    }
    return stream.pipe(map((message) => message as T));
  }

  close(): void {
    this.#state.next('closed');
    this.#state.complete();
  }
}
