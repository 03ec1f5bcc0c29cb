/**
 * A Monitor keeps `workers` actors of one application alive (each a supervised slot that is
 * restarted with backoff when it crashes), scales the pool, and replaces workers without losing
 * capacity: a rolling restart (SIGHUP) and `max_requests` recycling start the new worker and wait
 * for its handshake before the old one is told to drain.
 *
 * It lives in the arbiter's event loop and answers `info`, `scale` and `restart` at its name.
 */
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import type { Config } from '../config/config';
import { maxRequests, maxRequestsJitter, type Concurrency } from '../config/settings';
import { createError } from '../errors';
import type { ActorInfo } from './context';
import { Mailbox, type CommandHandler } from './mailbox';
import type { Arbiter, WorkerSpec } from './arbiter';
import { actorSummary, newId } from './summary';
import type { Supervisor } from './supervisor';

export interface MonitorOptions {
  readonly arbiter: Arbiter;
  /** Application name; also the monitor's address for `send`. */
  readonly name: string;
  readonly config: Config;
  /** Everything a worker needs to start besides its identity. */
  readonly worker: Omit<WorkerSpec, 'aid' | 'name' | 'monitor' | 'config' | 'concurrency'>;
  /** Random source for max_requests jitter. @default Math.random */
  readonly random?: () => number;
}

export class Monitor {
  readonly name: string;
  readonly config: Config;
  #size: number;
  readonly #arbiter: Arbiter;
  readonly #options: MonitorOptions;
  readonly #workers = new Map<string, Supervisor>();
  readonly #limits = new Map<string, number>();
  readonly #recycling = new Set<string>();
  readonly #commands = new Map<string, CommandHandler>();
  #events: Subscription | undefined;
  #stopping: Promise<void> | undefined;
  #restarting: Promise<void> | undefined;

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.#arbiter = options.arbiter;
    this.name = options.name;
    this.config = options.config;
    this.#size = Number(options.config.get('workers'));
    const mailbox = new Mailbox(this.name, (m) => this.#arbiter.router.route(m), (cmd) => this.#commands.get(cmd));
    this.#arbiter.router.registerLocal(this.name, (m) => mailbox.receive(m));
    this.#commands.set('ping', () => 'pong');
    this.#commands.set('info', () => this.info());
    this.#commands.set('scale', (_ctx, n: number) => this.scale(n));
    this.#commands.set('restart', () => this.restart().then(() => this.info()));
    this.#commands.set('recycle', async (_ctx, aid: string) => {
      const worker = this.#workers.get(String(aid));
      if (!worker) throw createError('RXP_ERR_UNKNOWN_ACTOR', aid);
      await this.recycle(worker, 'recycle command');
      return this.info();
    });
  }

  /** Target number of workers. */
  get size(): number {
    return this.#size;
  }

  /** Workers currently supervised (running, starting or restarting). */
  workers(): Supervisor[] {
    return [...this.#workers.values()];
  }

  start(): void {
    const limit = this.config.get(maxRequests);
    if (limit > 0) {
      this.#events = this.#arbiter.events$
        .pipe(filter((e) => e.type === 'actor:notified' && e.monitor === this.name))
        .subscribe((e) => {
          const info = e.data as ActorInfo;
          const max = this.#limits.get(e.aid);
          if (max !== undefined && info.requests >= max && !this.#recycling.has(e.aid) && !this.#stopping) {
            const worker = this.#workers.get(e.aid);
            if (worker) void this.recycle(worker, `max_requests ${max} reached`);
          }
        });
    }
    for (let i = 0; i < this.#size; i++) this.#add();
  }

  /**
   * Resolves when every worker has completed its handshake at least once; rejects with
   * RXP_ERR_SPAWN_FAILED if one gives up (escalates) before it ever started.
   */
  async ready(): Promise<void> {
    await Promise.all(
      this.workers().map(async (w) => {
        const started = await firstValueFrom(w.started$, { defaultValue: undefined });
        if (!started) throw createError('RXP_ERR_SPAWN_FAILED', `${w.name}(${w.aid})`, w.state);
      }),
    );
  }

  #add(): Supervisor {
    const concurrency = this.config.get('concurrency') as Concurrency;
    const aid = newId();
    const supervisor = this.#arbiter.supervise({
      ...this.#options.worker,
      aid,
      name: `${this.name}-worker`,
      monitor: this.name,
      concurrency,
      config: this.config,
      restart: 'permanent',
    });
    this.#workers.set(aid, supervisor);
    const limit = this.config.get(maxRequests);
    if (limit > 0) {
      const jitter = this.config.get(maxRequestsJitter);
      this.#limits.set(aid, limit + Math.floor((this.#options.random ?? Math.random)() * (jitter + 1)));
    }
    supervisor.ended$.subscribe(() => {
      this.#workers.delete(aid);
      this.#limits.delete(aid);
      this.#recycling.delete(aid);
    });
    return supervisor;
  }

  /** Grows or shrinks the pool to `n` workers (the youngest are stopped first). */
  scale(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw createError('RXP_ERR_INVALID_ARGUMENT', 'workers', 'an integer >= 1', n);
    if (this.#stopping) return this.#size;
    const previous = this.#size;
    this.#size = n;
    const live = this.workers().filter((w) => !this.#recycling.has(w.aid) && w.state !== 'stopping');
    for (let i = live.length; i < n; i++) this.#add();
    // Map order is age order: the youngest workers are at the end.
    for (const worker of live.slice(n)) void worker.stop('scale down');
    if (previous !== n) {
      this.#arbiter.emit({ type: 'monitor:scaled', aid: this.name, name: this.name, data: { from: previous, to: n }, time: Date.now() });
    }
    return n;
  }

  /** Replaces one worker: start the new one, wait for its handshake, then drain the old. */
  async recycle(worker: Supervisor, reason = 'recycle'): Promise<void> {
    if (this.#recycling.has(worker.aid)) return;
    this.#recycling.add(worker.aid);
    this.#arbiter.log.info('%s: replacing %s(%s): %s', this.name, worker.name, worker.aid, reason);
    const replacement = this.#add();
    await Promise.race([firstValueFrom(replacement.started$, { defaultValue: undefined }), firstValueFrom(replacement.ended$)]);
    await worker.stop(reason);
  }

  /** Rolling restart of every worker, one at a time, never below the pool size. */
  restart(): Promise<void> {
    if (this.#restarting) return this.#restarting;
    const old = this.workers().filter((w) => !this.#recycling.has(w.aid));
    this.#restarting = (async () => {
      for (const worker of old) await this.recycle(worker, 'rolling restart');
    })().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  /** Stops every worker gracefully (graceful_timeout each, in parallel). */
  stop(reason = 'stop'): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#events?.unsubscribe();
    this.#stopping = Promise.all(this.workers().map((w) => w.stop(reason))).then(() => {
      this.#arbiter.router.unregisterLocal(this.name);
      this.#arbiter.removeMonitor(this.name);
    });
    return this.#stopping;
  }

  info(): Record<string, unknown> {
    return {
      name: this.name,
      size: this.#size,
      concurrency: this.config.get('concurrency'),
      workers: this.workers().map((w) => actorSummary(w)),
    };
  }
}
