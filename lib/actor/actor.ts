/**
 * The actor side of the runtime: one per hosted actor (in its thread, its process, or inline in
 * the arbiter's loop). It answers the built-in commands, runs the behaviour's commands and hooks,
 * sends heartbeats (`notify`) to the arbiter, and stops gracefully on `stop`.
 *
 * Its behaviour is a stream transformer: `channel.message$` (the inbox) is mapped through the
 * mailbox into replies and effects, posted back on the same channel.
 */
import { Observable, from, isObservable, lastValueFrom, defaultIfEmpty, type Subscriber, type Subscription, type TeardownLogic } from 'rxjs';
import { Config } from '../config/config';
import { createError } from '../errors';
import { createLogger, type Logger } from '../log';
import { processInfo } from '../system/process-info';
import type { BootData } from './boot';
import type { Channel } from './channel';
import type { ActorContext, ActorInfo, ActorState } from './context';
import type { ActorDefinition } from './definition';
import { Mailbox, type CommandHandler } from './mailbox';
import { stopHookBudget } from './stop-budget';
import { ARBITER } from './protocol';
import { targetAddress, type Target } from './target';

export interface ActorRuntimeOptions {
  readonly boot: BootData;
  readonly channel: Channel;
  /** Ends the host: process.exit / thread exit / inline teardown. */
  readonly exit: (code: number) => void;
  /** The loaded behaviour module (its exports), if any. */
  readonly module?: Record<string, unknown>;
  /** Default timeout of `send` from this actor (ms). */
  readonly sendTimeout?: number;
}

export class ActorRuntime implements ActorContext {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: BootData['concurrency'];
  readonly config: Config;
  readonly log: Logger;
  readonly params: Readonly<Record<string, unknown>>;
  #state: ActorState = 'initial';
  readonly #boot: BootData;
  readonly #channel: Channel;
  readonly #exit: (code: number) => void;
  readonly #module: Record<string, unknown>;
  readonly #definition: ActorDefinition;
  readonly #commands = new Map<string, CommandHandler>();
  readonly #stopHooks: Array<() => void | Promise<void>> = [];
  readonly #infoHooks: Array<() => Record<string, unknown>> = [];
  readonly #mailbox: Mailbox;
  readonly #startedAt = Date.now();
  readonly #sendTimeout: number;
  #requests = 0;
  readonly #counters: Array<() => number> = [];
  #heartbeat: NodeJS.Timeout | undefined;
  #inbox: Subscription | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: ActorRuntimeOptions) {
    const { boot } = options;
    this.#boot = boot;
    this.aid = boot.aid;
    this.name = boot.name;
    this.concurrency = boot.concurrency;
    this.params = boot.params ?? {};
    this.config = Config.fromJSON(boot.config, boot.positional);
    this.log = createLogger(`${boot.name}(${boot.aid})`);
    this.#channel = options.channel;
    this.#exit = options.exit;
    this.#module = options.module ?? {};
    this.#definition = ((this.#module.default ?? {}) as ActorDefinition) ?? {};
    this.#sendTimeout = options.sendTimeout ?? 30_000;
    this.#mailbox = new Mailbox(this.aid, (m) => this.#channel.post(m), (cmd) => this.#commands.get(cmd), (cmd, error) =>
      this.log.error('cast %s failed: %s', cmd, (error as Error).message),
    );
    this.#registerBuiltins();
    for (const [name, handler] of Object.entries(this.#definition.commands ?? {})) this.#commands.set(name, handler);
  }

  get state(): ActorState {
    return this.#state;
  }

  /** Starts the inbox, runs the start hook, then reports started (the handshake). */
  async start(): Promise<void> {
    this.#state = 'starting';
    this.#inbox = this.#channel.message$.subscribe({
      next: (message) => this.#mailbox.receive(message),
      // A transfer it cannot decode (arbiter and worker from different versions): crash, and
      // let the supervisor decide.
      error: (error: unknown) => {
        this.log.error('%s', (error as Error).message);
        this.#exit(70);
      },
      // The arbiter went away: an orphan must not keep running.
      complete: () => this.#onOrphaned(),
    });
    try {
      if (this.#definition.start) await settle(this.#definition.start(this));
    } catch (error) {
      this.log.error('start hook failed: %s', (error as Error).stack ?? error);
      this.#exit(70); // EX_SOFTWARE: the supervisor counts it as a crash
      return;
    }
    this.#state = 'running';
    this.#notify(true);
    this.#heartbeat = setInterval(() => this.#notify(false), this.#boot.notifyInterval);
    this.#heartbeat.unref();
  }

  send<T = unknown>(target: Target, command: string, ...args: unknown[]): Observable<T> {
    return this.#mailbox.request<T>(targetAddress(target), command, args, { timeout: this.#sendTimeout });
  }

  /** `send` with explicit options (timeout). */
  request<T = unknown>(target: Target, command: string, args: readonly unknown[], timeout: number): Observable<T> {
    return this.#mailbox.request<T>(targetAddress(target), command, args, { timeout });
  }

  /** @internal the subscribe logic of {@link request} (see `send`). */
  startRequest(subscriber: Subscriber<never>, target: Target, command: string, args: readonly unknown[], timeout: number): TeardownLogic {
    return this.#mailbox.startRequest(subscriber, targetAddress(target), command, args, timeout);
  }

  command(name: string, handler: CommandHandler): void {
    this.#commands.set(name, handler);
  }

  countRequests(n = 1): void {
    this.#requests += n;
  }

  addRequestCounter(counter: () => number): void {
    this.#counters.push(counter);
  }

  onStop(fn: () => void | Promise<void>): void {
    this.#stopHooks.push(fn);
  }

  addInfo(fn: () => Record<string, unknown>): void {
    this.#infoHooks.push(fn);
  }

  info(): ActorInfo {
    const base = processInfo(this.#startedAt);
    let extra: Record<string, unknown> = {};
    for (const hook of this.#infoHooks) extra = { ...extra, ...hook() };
    if (this.#definition.info) extra = { ...extra, ...this.#definition.info(this) };
    return {
      ...extra,
      aid: this.aid,
      name: this.name,
      state: this.#state,
      concurrency: this.concurrency,
      ...base,
      requests: this.#counters.reduce((sum, counter) => sum + counter(), this.#requests),
      mailbox: this.#mailbox.depth,
      restarts: this.#boot.restarts,
    };
  }

  stop(reason = 'stop'): void {
    void this.#stop(reason);
  }

  /** Graceful stop: stop hooks within graceful_timeout, then exit 0. Idempotent. */
  #stop(reason: string): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#state = 'stopping';
    this.log.debug('stopping: %s', reason);
    // The supervisor kills an actor that has not exited after graceful_timeout: give up on the
    // stop hooks a little earlier, so that the exit is ours and clean.
    const graceMs = stopHookBudget(this.config);
    const hooks = [...this.#stopHooks];
    if (this.#definition.stop) hooks.push(() => settle(this.#definition.stop!(this)));
    this.#stopping = (async () => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      try {
        await Promise.race([Promise.allSettled(hooks.map((hook) => Promise.resolve().then(hook))), deadline]);
      } finally {
        clearTimeout(timer);
      }
      this.#shutdown(0);
    })();
    return this.#stopping;
  }

  #shutdown(code: number): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearInterval(this.#heartbeat);
    this.#mailbox.close('actor stopped');
    this.#inbox?.unsubscribe();
    this.#exit(code);
  }

  #onOrphaned(): void {
    if (this.#state === 'stopped') return;
    this.log.debug('arbiter channel closed: exiting');
    this.#shutdown(0);
  }

  #notify(first: boolean): void {
    if (this.#state !== 'running' && this.#state !== 'stopping') return;
    this.#mailbox.cast(ARBITER, 'notify', [this.info(), first]);
  }

  #registerBuiltins(): void {
    const c = this.#commands;
    c.set('ping', () => 'pong');
    c.set('echo', (_ctx, value: unknown) => value);
    c.set('info', () => this.info());
    c.set('notify', () => {
      this.#notify(false);
      return Date.now();
    });
    c.set('run', (_ctx, fn: string, ...args: unknown[]) => {
      const target = this.#module[fn];
      if (typeof target !== 'function' || fn === 'default') throw createError('RXP_ERR_NOT_RUNNABLE', this.name, fn);
      return (target as (actor: ActorContext, ...a: unknown[]) => unknown)(this, ...args);
    });
    c.set('stop', () => {
      // Reply first, then stop: the caller learns the stop was accepted.
      setImmediate(() => this.stop('stop command'));
      return 'stopping';
    });
    c.set('config', (_ctx, op: 'get' | 'set', name: string, value?: unknown) => {
      if (op === 'set') this.config.set(name, value);
      else if (op !== 'get') throw createError('RXP_ERR_INVALID_ARGUMENT', 'operation', '"get" or "set"', op);
      return this.config.get(name);
    });
    c.set('spawn', (_ctx, options: unknown) => this.send(ARBITER, 'spawn', options));
    c.set('kill_actor', (_ctx, target?: string) => {
      if (target === undefined || target === this.aid || target === this.name) {
        setImmediate(() => this.stop('kill_actor'));
        return `stopped ${this.aid}`;
      }
      return this.send(ARBITER, 'kill_actor', target);
    });
  }
}

/** Awaits a hook's result: nothing, a Promise or an Observable (its completion). */
async function settle(result: void | Promise<void> | Observable<unknown>): Promise<void> {
  if (isObservable(result)) await lastValueFrom(from(result).pipe(defaultIfEmpty(undefined)));
  else await result;
}

