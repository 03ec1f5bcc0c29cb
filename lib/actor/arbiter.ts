/**
 * The Arbiter: one per process tree, in the main thread of the master process. It routes messages
 * between actors, supervises the actors it spawned and the monitors of applications, publishes
 * the lifecycle of every actor on `events$`, and owns the process: signals, pidfile, exit.
 */
import { isAbsolute, resolve } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { Observable, Subject, asyncScheduler, filter, map, take, type SchedulerLike, type Subscriber, type TeardownLogic, merge, throwError, defer } from 'rxjs';
import { Config, type SettingValues } from '../config/config';
import { logLevel, type Concurrency } from '../config/settings';
import { createError } from '../errors';
import { configureLogging, createLogger, type Logger } from '../log';
import { processInfo } from '../system/process-info';
import { stopFdBroker } from '../net/fd-broker';
import { installPubSubCommands } from '../pubsub/commands';
import { version } from '../version';
import { createPidfile, removePidfile } from '../system/pidfile';
import type { ActorHost } from '../concurrency/host';
import { startInlineHost } from '../concurrency/inline-host';
import { workerEntry } from '../concurrency/loader';
import { startProcessHost } from '../concurrency/process-host';
import { startThreadHost } from '../concurrency/thread-host';
import type { RestartPolicyOptions } from '../supervision/restart-policy';
import { ActorRef, type ActorRefData } from './actor-ref';
import { hostedBootData, type BootData } from './boot';
import type { ActorInfo } from './context';
import type { ActorDefinition } from './definition';
import type { ActorEvent } from './events';
import { Mailbox, type CommandHandler } from './mailbox';
import { Monitor, type MonitorOptions } from './monitor';
import { ARBITER } from './protocol';
import { Router } from './router';
import { actorSummary, newId } from './summary';
import { Supervisor, type RestartType } from './supervisor';
import { targetAddress, type Target } from './target';

export interface SpawnOptions {
  /** Actor name (logs, process title, `send` by name). @default 'actor' */
  readonly name?: string;
  /** @default the arbiter's `concurrency` setting */
  readonly concurrency?: Concurrency;
  /** Module defining the behaviour (default export `defineActor(...)`, named exports for `run`). Omitted: a bare actor. */
  readonly module?: string;
  /** A definition object, for `inline` actors only (functions cannot cross threads). */
  readonly definition?: ActorDefinition;
  /** Parameters the actor sees as `ctx.params` (structured-clone values). */
  readonly params?: Record<string, unknown>;
  /** Setting overrides for this actor (`timeout`, `graceful_timeout`, ...). */
  readonly config?: SettingValues;
  /** OTP restart type. @default 'transient' */
  readonly restart?: RestartType;
  /** Backoff and intensity. */
  readonly policy?: RestartPolicyOptions;
  /** Explicit id (must be unique). */
  readonly aid?: string;
}

/** How one worker incarnation is started (used by monitors and spawn). */
export interface WorkerSpec {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  readonly monitor?: string;
  readonly app?: string;
  readonly module?: string;
  readonly definition?: ActorDefinition;
  readonly entry?: string;
  readonly argv?: readonly string[];
  readonly config: Config;
  readonly params?: Record<string, unknown>;
  readonly restart?: RestartType;
  readonly policy?: RestartPolicyOptions;
  /** Listening socket handle to hand to process workers over IPC. */
  readonly listenHandle?: object;
  /** Thread and inline workers fetch a dup of the listening fd with the `listen_fd` command. */
  readonly listenFd?: boolean;
}

export interface ArbiterStartOptions {
  /** Install signal handlers (SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU). @default true */
  readonly signals?: boolean;
  /** Exit the process when the arbiter stops. @default true */
  readonly exit?: boolean;
}

export class Arbiter {
  readonly log: Logger = createLogger('arbiter');
  readonly #events = new Subject<ActorEvent>();
  /** Lifecycle of every actor: spawned, started, notified, stopping, stopped, crashed, restarted, escalated. */
  readonly events$: Observable<ActorEvent> = this.#events.asObservable();
  readonly router = new Router();
  readonly #mailbox: Mailbox;
  readonly #commands = new Map<string, CommandHandler>();
  readonly #actors = new Map<string, Supervisor>();
  readonly #monitors = new Map<string, Monitor>();
  readonly #listenFds = new Map<string, () => Promise<number>>();
  #config = Config.load();
  #scheduler: SchedulerLike = asyncScheduler;
  #state: 'initial' | 'running' | 'stopping' | 'stopped' = 'initial';
  #stopping: Promise<void> | undefined;
  #startOptions: Required<ArbiterStartOptions> = { signals: true, exit: true };
  #signalHandlers: Array<[NodeJS.Signals, () => void]> = [];
  #sigints = 0;
  readonly #startedAt = Date.now();

  constructor() {
    this.#mailbox = new Mailbox(ARBITER, (m) => this.router.route(m), (cmd) => this.#commands.get(cmd), (cmd, error) =>
      this.log.error('%s failed: %s', cmd, (error as Error).message),
    );
    this.router.registerLocal(ARBITER, (m) => this.#mailbox.receive(m));
    this.#registerCommands();
    installPubSubCommands(this);
  }

  get config(): Config {
    return this.#config;
  }
  get state(): string {
    return this.#state;
  }
  get scheduler(): SchedulerLike {
    return this.#scheduler;
  }

  /** Replaces the configuration (an application does this before starting monitors). */
  configure(config: Config, scheduler?: SchedulerLike): void {
    this.#config = config;
    if (scheduler) this.#scheduler = scheduler;
    configureLogging(config.get(logLevel));
  }

  /**
   * Runs as a server: installs signal handlers and the pidfile. Idempotent.
   * SIGTERM/SIGINT stop gracefully (a second SIGINT forces exit), SIGQUIT stops at once, SIGHUP
   * restarts every worker (rolling), SIGTTIN/SIGTTOU add/remove one worker per monitor.
   */
  start(options: ArbiterStartOptions = {}): this {
    if (this.#state !== 'initial') return this;
    this.#state = 'running';
    this.#startOptions = { signals: true, exit: true, ...options };
    const pidfile = this.#config.get('pidfile') as string;
    if (pidfile) createPidfile(pidfile);
    if (this.#startOptions.signals) this.#installSignals();
    this.#emit({ type: 'arbiter:started', aid: ARBITER, name: ARBITER, pid: process.pid, threadId, time: Date.now() });
    return this;
  }

  /** Registers a command of the arbiter (callable with `send('arbiter', name, ...)`). */
  command(name: string, handler: CommandHandler): void {
    this.#commands.set(name, handler);
  }

  /** Sends a command from the arbiter. */
  send<T = unknown>(target: Target, command: string, ...args: unknown[]): Observable<T> {
    return this.request<T>(target, command, args);
  }

  request<T = unknown>(target: Target, command: string, args: readonly unknown[], timeout = 30_000): Observable<T> {
    return this.#mailbox.request<T>(targetAddress(target), command, args, { timeout, scheduler: this.#scheduler });
  }

  /** @internal the subscribe logic of {@link request} (see `send`). */
  startRequest(subscriber: Subscriber<never>, target: Target, command: string, args: readonly unknown[], timeout: number): TeardownLogic {
    return this.#mailbox.startRequest(subscriber, targetAddress(target), command, args, timeout, this.#scheduler);
  }

  /** Supervised actors (spawned ones and monitors' workers), by id. */
  actors(): Supervisor[] {
    return [...this.#actors.values()];
  }
  monitors(): Monitor[] {
    return [...this.#monitors.values()];
  }
  monitor(name: string): Monitor | undefined {
    return this.#monitors.get(name);
  }

  /** Spawns a supervised actor; emits its ref once it completed its handshake, then completes. */
  spawn(options: SpawnOptions = {}): Observable<ActorRef> {
    return defer(() => {
      const concurrency = options.concurrency ?? (this.#config.get('concurrency') as Concurrency);
      if (!['inline', 'thread', 'process'].includes(concurrency)) return throwError(() => createError('RXP_ERR_INVALID_CONCURRENCY', concurrency));
      if (options.definition && concurrency !== 'inline') {
        return throwError(() => createError('RXP_ERR_INVALID_ARGUMENT', 'definition', 'used with inline concurrency only (use module)', concurrency));
      }
      const config = Config.fromJSON({ ...this.#config.toJSON(), ...(options.config ?? {}) });
      const module = options.module ? (isAbsolute(options.module) ? options.module : resolve(options.module)) : undefined;
      const supervisor = this.supervise({
        aid: options.aid ?? newId(),
        name: options.name ?? 'actor',
        concurrency,
        module,
        definition: options.definition,
        params: options.params,
        config,
        restart: options.restart,
        policy: options.policy,
      });
      return this.#whenStarted(supervisor);
    });
  }

  #whenStarted(supervisor: Supervisor): Observable<ActorRef> {
    return merge(
      supervisor.started$.pipe(map((s) => this.refOf(s))),
      supervisor.ended$.pipe(
        map((state) => {
          throw createError('RXP_ERR_SPAWN_FAILED', `${supervisor.name}(${supervisor.aid})`, state);
        }),
      ),
    ).pipe(take(1));
  }

  refOf(s: Supervisor): ActorRef {
    const data: ActorRefData = {
      aid: s.aid,
      name: s.name,
      concurrency: s.concurrency,
      pid: s.pid ?? process.pid,
      threadId: s.threadId ?? 0,
      ...(s.monitor ? { monitor: s.monitor } : {}),
    };
    return new ActorRef(data, (target, command, args) => this.request(target, command, args));
  }

  /** Starts and supervises one actor from a worker spec (monitors use this). */
  supervise(spec: WorkerSpec): Supervisor {
    if (this.#actors.has(spec.aid)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'aid', 'unique', spec.aid);
    const cfg = spec.config;
    const timeout = Number(cfg.get('timeout')) * 1000;
    const supervisor = new Supervisor({
      aid: spec.aid,
      name: spec.name,
      concurrency: spec.concurrency,
      monitor: spec.monitor,
      router: this.router,
      log: this.log,
      emit: (event) => this.#emit(event),
      timeout,
      gracefulTimeout: Number(cfg.get('graceful_timeout')) * 1000,
      killGrace: Math.min(2000, Math.max(200, timeout / 2)),
      restart: spec.restart,
      policy: spec.policy,
      scheduler: this.#scheduler,
      startHost: (restarts) => this.#startHost(spec, restarts, timeout),
    });
    this.#actors.set(spec.aid, supervisor);
    supervisor.ended$.subscribe(() => this.#actors.delete(spec.aid));
    return supervisor.start();
  }

  #startHost(spec: WorkerSpec, restarts: number, timeoutMs: number): ActorHost {
    const boot: BootData = {
      aid: spec.aid,
      name: spec.name,
      concurrency: spec.concurrency,
      restarts,
      notifyInterval: Math.min(30_000, Math.max(50, timeoutMs / 4)),
      config: spec.config.toJSON(),
      positional: spec.config.positional,
      ...(spec.module ? { module: spec.module } : {}),
      ...(spec.app ? { app: spec.app } : {}),
      ...(spec.monitor ? { monitor: spec.monitor } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.listenHandle && spec.concurrency === 'process' ? { listenViaIpc: true } : {}),
      ...(spec.listenFd ? { listenFd: -1 } : {}),
    };
    switch (spec.concurrency) {
      case 'process':
        return startProcessHost({ boot, entry: spec.entry ?? workerEntry(), argv: spec.argv, listenHandle: spec.listenHandle });
      case 'thread':
        return startThreadHost({ boot, entry: spec.entry ?? workerEntry(), argv: spec.argv });
      case 'inline': {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const module = spec.module ? (require(spec.module) as Record<string, unknown>) : undefined;
        return startInlineHost({ boot, module, definition: spec.definition });
      }
      default:
        throw createError('RXP_ERR_INVALID_CONCURRENCY', spec.concurrency);
    }
  }

  /** Creates and starts a monitor (a pool of workers of one application). */
  createMonitor(options: Omit<MonitorOptions, 'arbiter'>): Monitor {
    if (this.#monitors.has(options.name)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'monitor name', 'unique', options.name);
    const monitor = new Monitor({ ...options, arbiter: this });
    this.#monitors.set(options.name, monitor);
    monitor.start();
    return monitor;
  }

  /** Lets thread/inline workers of `app` get their own dup of the listening socket. */
  provideListenFd(app: string, dup: () => Promise<number>): void {
    this.#listenFds.set(app, dup);
  }

  /** Forgets a monitor that has stopped (called by the monitor). */
  removeMonitor(name: string): void {
    this.#monitors.delete(name);
  }

  /** Supervisor by id or name. */
  find(target: string): Supervisor | undefined {
    return this.#actors.get(target) ?? [...this.#actors.values()].find((s) => s.name === target);
  }

  info(): Record<string, unknown> {
    return {
      ...processInfo(this.#startedAt),
      aid: ARBITER,
      name: ARBITER,
      state: this.#state,
      version: version(),
      monitors: this.monitors().map((m) => m.info()),
      actors: this.actors()
        .filter((a) => !a.monitor)
        .map((a) => actorSummary(a)),
    };
  }

  /**
   * Graceful stop: monitors drain their workers, spawned actors stop, within graceful_timeout,
   * then whatever is left is killed. Exits the process (with `code`) if it runs as a server.
   * Idempotent.
   */
  stop(reason = 'stop', code = 0): Promise<void> {
    // A stopped arbiter used again (tests, embedding) can be stopped again.
    if (this.#stopping && this.#state !== 'stopped') return this.#stopping;
    this.#state = 'stopping';
    this.#emit({ type: 'arbiter:stopping', aid: ARBITER, name: ARBITER, reason, pid: process.pid, threadId, time: Date.now() });
    this.log.info('stopping (%s)', reason);
    this.#stopping = (async () => {
      await Promise.all([...this.monitors().map((m) => m.stop(reason)), ...this.actors().map((a) => a.stop(reason))]);
      this.#finish(code);
    })();
    return this.#stopping;
  }

  /** Immediate stop: kill every actor now. */
  kill(reason = 'kill', code = 0): Promise<void> {
    this.#state = 'stopping';
    const all = this.actors().map((a) => a.kill(reason));
    return Promise.all(all).then(() => this.#finish(code));
  }

  #finish(code: number): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    for (const [signal, handler] of this.#signalHandlers) process.off(signal, handler);
    this.#signalHandlers = [];
    const pidfile = this.#config.get('pidfile') as string;
    if (pidfile) removePidfile(pidfile);
    stopFdBroker();
    this.#emit({ type: 'arbiter:stopped', aid: ARBITER, name: ARBITER, pid: process.pid, threadId, time: Date.now() });
    this.log.info('Bye.');
    if (this.#startOptions.exit && this.#state === 'stopped' && instance === this && started(this)) {
      // Let the last log line out, then leave with no child behind (they are all gone by now).
      setImmediate(() => process.exit(code));
    }
  }

  #installSignals(): void {
    const on = (signal: NodeJS.Signals, handler: () => void): void => {
      process.on(signal, handler);
      this.#signalHandlers.push([signal, handler]);
    };
    on('SIGTERM', () => void this.stop('SIGTERM'));
    on('SIGINT', () => {
      this.#sigints++;
      if (this.#sigints > 1) {
        this.log.warn('second SIGINT: forcing exit');
        void this.kill('SIGINT x2', 1);
      } else void this.stop('SIGINT');
    });
    on('SIGQUIT', () => void this.kill('SIGQUIT'));
    on('SIGHUP', () => {
      this.log.info('SIGHUP: restarting workers');
      for (const m of this.monitors()) void m.restart();
    });
    on('SIGTTIN', () => {
      for (const m of this.monitors()) m.scale(m.size + 1);
    });
    on('SIGTTOU', () => {
      for (const m of this.monitors()) m.scale(Math.max(1, m.size - 1));
    });
  }

  emit(event: ActorEvent): void {
    this.#emit(event);
  }

  #emit(event: ActorEvent): void {
    if (event.type !== 'actor:notified') {
      this.log.debug('%s %s(%s)%s', event.type, event.name, event.aid, event.reason ? `: ${event.reason}` : '');
    }
    this.#events.next(event);
  }

  #registerCommands(): void {
    const c = this.#commands;
    c.set('ping', () => 'pong');
    c.set('echo', (_ctx, value: unknown) => value);
    c.set('info', () => this.info());
    c.set('notify', (ctx, info: ActorInfo, first: boolean) => {
      this.#actors.get(ctx.caller)?.notified(info, first === true);
      return Date.now();
    });
    c.set('spawn', (_ctx, options: SpawnOptions) => this.spawn(options ?? {}).pipe(map((ref) => ref.toJSON())));
    c.set('kill_actor', async (_ctx, target: string) => {
      const monitor = this.#monitors.get(target);
      if (monitor) {
        await monitor.stop('kill_actor');
        return `stopped ${target}`;
      }
      const actor = this.find(target);
      if (!actor) throw createError('RXP_ERR_UNKNOWN_ACTOR', target);
      await actor.stop('kill_actor');
      return `stopped ${actor.name}(${actor.aid})`;
    });
    c.set('stop', () => {
      setImmediate(() => void this.stop('stop command'));
      return 'stopping';
    });
    c.set('config', (_ctx, op: 'get' | 'set', name: string, value?: unknown) => {
      if (op === 'set') this.#config.set(name, value);
      else if (op !== 'get') throw createError('RXP_ERR_INVALID_ARGUMENT', 'operation', '"get" or "set"', op);
      return this.#config.get(name);
    });
    c.set('run', () => {
      throw createError('RXP_ERR_NOT_RUNNABLE', ARBITER, 'run');
    });
    c.set('listen_fd', (_ctx, app: string) => {
      const dup = this.#listenFds.get(app);
      if (!dup) throw createError('RXP_ERR_UNKNOWN_ACTOR', `listening socket of ${app}`);
      return dup();
    });
    c.set('actors', () => this.actors().map((a) => actorSummary(a)));
    c.set('events', () => this.events$.pipe(filter((e) => e.type !== 'actor:notified')));
  }
}

let instance: Arbiter | undefined;
const startedArbiters = new WeakSet<Arbiter>();

function started(a: Arbiter): boolean {
  return startedArbiters.has(a);
}

/** The arbiter of this process (created on first call). Only in the master's main thread. */
export function arbiter(): Arbiter {
  if (!isMainThread || hostedBootData() !== undefined) throw createError('RXP_ERR_ARBITER_ONLY', 'arbiter()');
  if (!instance) instance = new Arbiter();
  return instance;
}

/** Starts the arbiter as the process's server (signals, pidfile, exit on stop). */
export function startArbiter(options?: ArbiterStartOptions): Arbiter {
  const a = arbiter();
  startedArbiters.add(a);
  return a.start(options);
}

/** Drops the singleton (tests): the next `arbiter()` is a new one. Stop it first. */
export function resetArbiter(): void {
  instance = undefined;
}
