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
import { BehaviorSubject, Observable, filter, finalize, map, share, takeUntil, throwError } from 'rxjs';
import { createError } from '../errors';
import type { Arbiter } from '../actor/arbiter';
import { request } from '../actor/api';
import { ARBITER } from '../actor/protocol';
import type { PubSubBackend, PubSubState } from './types';

export type EmbeddedState = Extract<PubSubState, 'connected' | 'closed'>;

/**
 * Nothing to do: every arbiter registers the pub/sub commands when it is created.
 * @deprecated kept so that code written for earlier versions still runs; remove the call.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function installEmbeddedPubSub(_arbiter?: Arbiter): void {}

/** The embedded backend, usable in the arbiter and in any worker. */
export class EmbeddedPubSub implements PubSubBackend {
  readonly #state = new BehaviorSubject<EmbeddedState>('connected');
  readonly #streams = new Map<string, Observable<unknown>>();
  readonly #closed$ = this.#state.pipe(filter((state) => state === 'closed'));
  /** Connection state: always connected until closed (there is no network). */
  readonly state$: Observable<EmbeddedState> = this.#state.asObservable();

  /** Publishes `message` on `channel`; emits how many subscriber streams received it, then completes. */
  publish(channel: string, message: unknown): Observable<number> {
    if (this.#state.value === 'closed') return throwError(() => createError('RXP_ERR_PUBSUB_UNAVAILABLE', 'embedded', 'closed'));
    return request<number>({ to: ARBITER, command: 'pubsub_publish', args: [channel, message] });
  }

  /** Messages published on `channel` from now on, from any worker. */
  subscribe<T = unknown>(channel: string): Observable<T> {
    let stream = this.#streams.get(channel);
    if (!stream) {
      stream = request<unknown>({ to: ARBITER, command: 'pubsub_subscribe', args: [channel], timeout: 0 }).pipe(
        takeUntil(this.#closed$),
        finalize(() => this.#streams.delete(channel)),
        share(),
      );
      this.#streams.set(channel, stream);
    }
    return stream.pipe(map((message) => message as T));
  }

  /** Completes every subscription (the arbiter forgets them) and `state$`. Idempotent. */
  close(): void {
    if (this.#state.value === 'closed') return;
    this.#state.next('closed');
    this.#state.complete();
  }
}
