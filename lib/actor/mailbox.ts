/**
 * Request/reply multiplexing over one outbound function, for one address (an actor, the arbiter,
 * a monitor). Outgoing commands are cold Observables; incoming requests are dispatched to command
 * handlers whose result (value, Promise or Observable) is sent back, and torn down on `cancel`.
 *
 * Hot path note: an ordinary command is one `req` and one `res` message, one Map entry on each
 * side and no Subject; a timeout is a deadline on the entry, checked by one sweep timer per
 * mailbox (virtual-time schedulers get one action per request instead).
 */
import { Observable, isObservable, type SchedulerLike, type Subscriber, type Subscription, type TeardownLogic, asyncScheduler } from 'rxjs';
import { createError, deserializeError, serializeError } from '../errors';
import type { RequestMessage, WireMessage } from './protocol';
import { RequestMap } from './request-map';

/** What a command handler gets besides its arguments. */
export interface CommandContext {
  /** Address (actor id, `arbiter`, monitor name) of the caller. */
  readonly caller: string;
  /** Aborted when the caller unsubscribes (cancel) or the actor stops. */
  readonly signal: AbortSignal;
}

/**
 * A command: returns a value, a Promise or an Observable (streamed to the caller). Arguments are
 * whatever the caller passed (structured-clone values), so handlers should validate them.
 */
export type CommandHandler = (ctx: CommandContext, ...args: never[]) => unknown;

/** Resolves a command name to a handler; undefined = unknown command. */
export type CommandLookup = (command: string) => CommandHandler | undefined;

export interface RequestOptions {
  /** Milliseconds until the first reply; 0 or Infinity = wait forever. */
  readonly timeout?: number;
  readonly scheduler?: SchedulerLike;
}

interface Pending {
  readonly subscriber: Subscriber<unknown>;
  readonly to: string;
  readonly cmd: string;
  readonly timeout: number;
  /** Injected scheduler (virtual time): the action that expires the request. */
  timer: Subscription | undefined;
  /** Real time: when the request expires (`performance.now()` ms); 0 = never. */
  deadline: number;
}

function clearTimer(entry: Pending): void {
  entry.deadline = 0;
  const { timer } = entry;
  if (timer === undefined) return;
  entry.timer = undefined;
  timer.unsubscribe();
}

/**
 * One incoming request being handled: the handler's context, and what must be torn down if the
 * caller cancels. A class rather than an object literal with a getter: it is built for every
 * request, and the literal (an accessor on a fresh object) showed in the round-trip profile.
 */
class Running implements CommandContext {
  subscription?: Subscription;
  controller?: AbortController;

  constructor(readonly caller: string) {}

  get signal(): AbortSignal {
    // Created on first use only: most commands never look at it.
    this.controller ??= new AbortController();
    return this.controller.signal;
  }
}

export class Mailbox {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Handlers still working, by (caller, request id). */
  readonly #running = new RequestMap<Running>();
  /** The sweep timer of real-time deadlines, and when it fires. */
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweepAt = Infinity;

  constructor(
    /** This mailbox's address. */
    readonly address: string,
    private readonly post: (message: WireMessage) => void,
    private readonly lookup: CommandLookup,
    private readonly onCastError: (command: string, error: unknown) => void = () => undefined,
  ) {}

  /** Requests in flight both ways: a measure of how busy this mailbox is. */
  get depth(): number {
    return this.#pending.size + this.#running.size;
  }

  /** Sends `cmd` to `to` on subscribe; emits the reply (or a stream) and completes. */
  request<T>(to: string, cmd: string, args: readonly unknown[], options: RequestOptions = {}): Observable<T> {
    return new Observable<T>((subscriber) => this.startRequest(subscriber, to, cmd, args, options.timeout ?? 0, options.scheduler));
  }

  /**
   * The subscribe logic of {@link request}, for callers that build their own Observable (the
   * public `send`): one Observable per request instead of two.
   * @internal
   */
  startRequest(subscriber: Subscriber<never>, to: string, cmd: string, args: readonly unknown[], timeout: number, scheduler?: SchedulerLike): TeardownLogic {
    const id = this.#nextId++;
    const entry: Pending = { subscriber: subscriber as Subscriber<unknown>, to, cmd, timeout, timer: undefined, deadline: 0 };
    this.#pending.set(id, entry);
    if (timeout > 0 && timeout !== Infinity) {
      if (scheduler === undefined || scheduler === asyncScheduler) {
        // Real time: a deadline checked by one sweep timer per mailbox, not a Node timer per
        // request (set, unref and clear showed in the round-trip profile).
        entry.deadline = performance.now() + timeout;
        this.#watch(entry.deadline);
      } else {
        // Injected schedulers (virtual time) are honoured as given.
        entry.timer = scheduler.schedule(() => this.#expire(id, entry), timeout);
      }
    }
    this.post({ k: 'req', id, from: this.address, to, cmd, args, ack: true });
    return () => {
      const pending = this.#pending.get(id);
      if (pending) {
        // Unsubscribed before the end: tell the remote side to stop the work.
        this.#pending.delete(id);
        clearTimer(pending);
        this.post({ k: 'cancel', id, from: this.address, to });
      }
    };
  }

  /** Makes sure the sweep runs by `deadline`. */
  #watch(deadline: number): void {
    if (deadline >= this.#sweepAt) return;
    if (this.#sweepTimer !== undefined) clearTimeout(this.#sweepTimer);
    this.#sweepAt = deadline;
    this.#sweepTimer = setTimeout(this.#sweep, Math.max(1, Math.ceil(deadline - performance.now()))).unref();
  }

  /** Expires the requests past their deadline and re-arms for the next one. */
  readonly #sweep = (): void => {
    this.#sweepTimer = undefined;
    this.#sweepAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [id, entry] of this.#pending) {
      const { deadline } = entry;
      if (deadline === 0) continue;
      if (deadline <= now) this.#expire(id, entry);
      else if (deadline < next) next = deadline;
    }
    if (next !== Infinity) this.#watch(next);
  };

  #expire(id: number, entry: Pending): void {
    if (!this.#pending.delete(id)) return;
    clearTimer(entry);
    this.post({ k: 'cancel', id, from: this.address, to: entry.to });
    entry.subscriber.error(createError('RXP_ERR_TIMEOUT', entry.cmd, entry.to, entry.timeout));
  }

  /** Fire and forget: nobody waits for the reply (heartbeats, broadcasts). */
  cast(to: string, cmd: string, args: readonly unknown[]): void {
    this.post({ k: 'req', id: 0, from: this.address, to, cmd, args, ack: false });
  }

  /** Feeds one incoming message addressed to this mailbox. */
  receive(message: WireMessage): void {
    switch (message.k) {
      case 'req':
        this.#dispatch(message);
        return;
      case 'cancel': {
        const running = this.#running.get(message.from, message.id);
        if (running) {
          this.#running.delete(message.from, message.id);
          running.subscription?.unsubscribe();
          running.controller?.abort(createError('RXP_ERR_ACTOR_STOPPED', this.address, 'cancelled'));
        }
        return;
      }
      default: {
        const entry = this.#pending.get(message.id);
        if (!entry) return; // late reply to a cancelled or timed-out request
        if (message.k === 'next') {
          clearTimer(entry);
          entry.subscriber.next(message.v);
          return;
        }
        this.#pending.delete(message.id);
        clearTimer(entry);
        if (message.k === 'res') {
          entry.subscriber.next(message.v);
          entry.subscriber.complete();
        } else if (message.k === 'done') {
          entry.subscriber.complete();
        } else {
          entry.subscriber.error(deserializeError(message.e));
        }
      }
    }
  }

  /** Stops every running handler and fails every pending request (this mailbox is closing). */
  close(reason: string): void {
    for (const running of this.#running.values()) {
      running.subscription?.unsubscribe();
      running.controller?.abort(createError('RXP_ERR_ACTOR_STOPPED', this.address, reason));
    }
    this.#running.clear();
    if (this.#sweepTimer !== undefined) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#sweepAt = Infinity;
    for (const entry of this.#pending.values()) {
      clearTimer(entry);
      entry.subscriber.error(createError('RXP_ERR_ACTOR_STOPPED', entry.to, `${entry.cmd} (${reason})`));
    }
    this.#pending.clear();
  }

  #dispatch(message: RequestMessage): void {
    const handler = this.lookup(message.cmd);
    const { ack, from, id } = message;
    if (!handler) {
      const error = createError('RXP_ERR_UNKNOWN_COMMAND', message.cmd);
      if (ack) this.post({ k: 'err', id, to: from, e: serializeError(error, false) });
      else this.onCastError(message.cmd, error);
      return;
    }
    const running = new Running(from);
    let result: unknown;
    try {
      result = (handler as (ctx: CommandContext, ...args: unknown[]) => unknown)(running, ...message.args);
    } catch (error) {
      this.#fail(message, error);
      return;
    }
    if (isObservable(result)) {
      let finished = false;
      const subscription = result.subscribe({
        next: (v) => {
          if (ack) this.post({ k: 'next', id, to: from, v });
        },
        error: (error: unknown) => {
          finished = true;
          this.#running.delete(from, id);
          this.#fail(message, error);
        },
        complete: () => {
          finished = true;
          this.#running.delete(from, id);
          if (ack) this.post({ k: 'done', id, to: from });
        },
      });
      if (!finished) {
        running.subscription = subscription;
        this.#running.set(from, id, running);
      }
      return;
    }
    if (isPromiseLike(result)) {
      this.#running.set(from, id, running);
      result.then(
        (v) => {
          // A cancelled request gets no reply: the caller already moved on.
          if (this.#running.delete(from, id) && ack) this.post({ k: 'res', id, to: from, v });
        },
        (error: unknown) => {
          if (this.#running.delete(from, id)) this.#fail(message, error);
        },
      );
      return;
    }
    if (ack) this.post({ k: 'res', id, to: from, v: result });
  }

  #fail(message: RequestMessage, error: unknown): void {
    if (message.ack) this.post({ k: 'err', id: message.id, to: message.from, e: serializeError(error) });
    else this.onCastError(message.cmd, error);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
