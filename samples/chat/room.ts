/**
 * The chat room of one worker: its members (the connections that joined here) and the events of
 * every worker, read from the pub/sub channel. One room, one backend connection, per worker.
 */
import { randomUUID } from 'node:crypto';
import {
  AsyncSubject,
  asyncScheduler,
  catchError,
  defer,
  EMPTY,
  firstValueFrom,
  mergeMap,
  Subject,
  takeUntil,
  timeout,
  timer,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { createLogger, type Logger, type PubSubBackend } from 'rxpulsar';
import { toChatEvent, type ChatEvent } from './protocol';

export interface ChatRoomOptions {
  /** The pub/sub backend; the room closes it in {@link ChatRoom.close}. */
  readonly backend: PubSubBackend;
  /** @default 'rxpulsar.chat' */
  readonly channel?: string;
  /** Ms that `close()` waits for the leave notices of its members to be published. @default 1000 */
  readonly closeTimeout?: number;
  /** @default createLogger('chat') */
  readonly logger?: Logger;
  /** Ms between two probes while the subscription is not confirmed. @default 250 */
  readonly probeInterval?: number;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** The worker's id, stamped on the events it publishes. */
  readonly worker: string;
}

/** A message the room publishes to itself to learn that its subscription is live. */
interface Probe {
  readonly type: 'probe';
  readonly nonce: string;
}

function isProbe(value: unknown): value is Probe {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'probe';
}

/**
 * A worker's view of the chat.
 *
 * Neither backend tells when a subscription is in place (the embedded one asks the arbiter; Redis
 * answers SUBSCRIBE on another connection than PUBLISH), and a member must not miss messages sent
 * after it was welcomed. So the room publishes a probe on its channel until it reads it back:
 * from then on, every message published anywhere reaches this worker. `ready$` tells that moment.
 *
 * ```
 * ready$   -----------(probe read back)r|
 * events$  -----------------------------j--m--m--l--   (join, message, leave; every worker's)
 * ```
 *
 * ## Example
 * ```ts
 * const room = new ChatRoom({ backend: createPubSub(config.get(settings.pubsub)), worker: actor.aid });
 * room.ready$.subscribe(() => room.join(connectionId, 'ada').subscribe());
 * ```
 */
export class ChatRoom {
  readonly #backend: PubSubBackend;
  readonly #channel: string;
  readonly #closeTimeout: number;
  readonly #events = new Subject<ChatEvent>();
  readonly #logger: Logger;
  readonly #members = new Map<number, string>();
  readonly #probeInterval: number;
  readonly #ready = new AsyncSubject<void>();
  readonly #scheduler: SchedulerLike;
  readonly #worker: string;
  #closing: Promise<void> | undefined;
  #settled = false;
  #subscription: Subscription | undefined;

  /** Every worker's events, from the moment of subscription (hot). */
  readonly events$: Observable<ChatEvent> = this.#events.asObservable();

  /**
   * Emits once, then completes, when the room reads its channel (replayed; the first subscription
   * starts the room). Errors if the room is closed first.
   */
  readonly ready$: Observable<void> = defer(() => {
    this.#start();
    return this.#ready;
  });

  constructor(options: ChatRoomOptions) {
    this.#backend = options.backend;
    this.#channel = options.channel ?? 'rxpulsar.chat';
    this.#closeTimeout = options.closeTimeout ?? 1000;
    this.#logger = options.logger ?? createLogger('chat');
    this.#probeInterval = options.probeInterval ?? 250;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#worker = options.worker;
  }

  /** Members of this worker by connection id. */
  get members(): ReadonlyMap<number, string> {
    return this.#members;
  }

  /** Publishes an event on the channel (cold: publishes on subscription); emits the receivers. */
  publish(event: ChatEvent): Observable<number> {
    return this.#backend.publish(this.#channel, event);
  }

  /** Makes `member` a member named `name` and announces it (cold). */
  join(member: number, name: string): Observable<number> {
    return defer(() => {
      this.#members.set(member, name);
      return this.publish({ type: 'join', name, ...this.#stamp() });
    });
  }

  /** Publishes `text` from `member`; undefined when `member` has not joined. */
  say(member: number, text: string): Observable<number> | undefined {
    const name = this.#members.get(member);
    if (name === undefined) return undefined;
    return this.sayAs(name, text);
  }

  /** Publishes `text` under `name`, from no member (the JSON-RPC `message` method). */
  sayAs(name: string, text: string): Observable<number> {
    return this.publish({ type: 'message', name, text, ...this.#stamp() });
  }

  /** `member` is gone: its leave notice is published (once; failures are only logged). */
  leave(member: number): void {
    const name = this.#members.get(member);
    if (name === undefined || this.#closing) return;
    this.#members.delete(member);
    this.publish({ type: 'leave', name, ...this.#stamp() }).subscribe({
      error: (error: Error) => this.#logger.warn('leave notice of %s not published: %s', name, error.message),
    });
  }

  /**
   * Announces that every member left (waiting at most `closeTimeout`), stops reading the channel
   * and closes the backend. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#fail(new Error('the chat room is closed'));
      const leaving = [...this.#members.values()];
      this.#members.clear();
      await Promise.all(
        leaving.map((name) =>
          firstValueFrom(
            this.publish({ type: 'leave', name, ...this.#stamp() }).pipe(
              timeout({ first: this.#closeTimeout, scheduler: this.#scheduler }),
              catchError(() => EMPTY),
            ),
            { defaultValue: 0 },
          ),
        ),
      );
      this.#subscription?.unsubscribe();
      this.#events.complete();
      await this.#backend.close();
    })();
    return this.#closing;
  }

  /** Who sends an event and when: this worker, the scheduler's clock. */
  #stamp(): { readonly worker: string; readonly time: number } {
    return { worker: this.#worker, time: this.#scheduler.now() };
  }

  #start(): void {
    if (this.#subscription || this.#closing) return;
    const nonce = `${this.#worker}:${randomUUID()}`;
    this.#subscription = this.#backend.subscribe<unknown>(this.#channel).subscribe({
      next: (value) => {
        if (isProbe(value)) {
          if (value.nonce === nonce && !this.#settled) {
            this.#settled = true;
            this.#ready.next();
            this.#ready.complete();
          }
          return;
        }
        const event = toChatEvent(value);
        if (event) this.#events.next(event);
        else this.#logger.debug('dropped a malformed event on %s', this.#channel);
      },
      error: (error: Error) => {
        this.#logger.error('chat channel %s failed: %s', this.#channel, error.message);
        this.#fail(error);
      },
    });
    const probe: Probe = { type: 'probe', nonce };
    // Stops at the first probe read back (or when the room closes and ready$ errors).
    this.#subscription.add(
      timer(0, this.#probeInterval, this.#scheduler)
        .pipe(
          takeUntil(this.#ready),
          mergeMap(() => this.#backend.publish(this.#channel, probe).pipe(catchError(() => EMPTY))),
        )
        .subscribe({ error: () => undefined }),
    );
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#ready.error(error);
  }
}
