/**
 * The task queue application (pulsar's `TaskQueue`): the engine of this folder wired onto the
 * actor runtime.
 *
 * ```
 * arbiter ── backend (embedded: in memory here; or Redis) ── commands <name>_claim, _report, ...
 *   │          ├─ maintenance every second (expired leases, ETAs, expiry, old results)
 *   │          ├─ periodic scheduler (one per arbiter)
 *   │          └─ a worker dies (crashed/stopped) ──▶ releaseWorker: its tasks go back at once
 *   └── monitor ── worker 1..N: TaskConsumer (pulls on credit, renews leases, reports)
 *                   └─ a job overran its hard time limit ──▶ drain, exit 1 ──▶ replaced
 * ```
 *
 * With the embedded backend the tasks live in the arbiter, which outlives its workers: a worker
 * killed mid-task loses its lease, not the task, and the task runs again on another worker. With
 * `--task-backend redis://...` the arbiter and every worker talk to Redis directly (the arbiter
 * still runs maintenance and the periodic scheduler once, and still releases dead workers).
 *
 * Jobs are loaded from modules — `--tasks-path` and the `jobs` option — in the arbiter and in
 * every worker: functions cannot cross to a thread or process, module paths can.
 */
import { resolve } from 'node:path';
import { filter, firstValueFrom, map, Subscription, type Observable } from 'rxjs';
import { request } from '../../lib/actor/api';
import type { Arbiter, WorkerSpec } from '../../lib/actor/arbiter';
import type { ActorContext } from '../../lib/actor/context';
import { drainBudget } from '../../lib/actor/stop-budget';
import { Application, type ApplicationOptions } from '../../lib/app/application';
import type { Config } from '../../lib/config/config';
import { createError } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import type { TaskBackend } from './backend';
import { TaskQueueClient } from './client';
import { TaskConsumer, type HardTimeLimitEvent } from './consumer';
import type { Backpressure } from './enqueue-batcher';
import type { JobRegistry } from './job';
import { loadJobRegistry } from './load-jobs';
import { PeriodicScheduler } from './periodic-scheduler';
import { createRemoteBackend, exposeBackend, STREAMING_TASK_COMMANDS } from './remote-backend';
import { TaskQueueRpc } from './rpc';
import { taskQueueOptions, tasksPath } from './settings';
import { READY_STATES } from './states';
import { createBackend, startMaintenance } from './task-queue';
import type { TaskRunOptions } from './types';

/** Exit code of a worker that replaces itself (a job overran its hard time limit). */
export const REPLACE_EXIT_CODE = 1;

export interface TaskQueueOptions extends ApplicationOptions {
  /**
   * Script thread and process workers start from; it must build and start a `TaskQueue` with
   * the same `name`. @default the main script (cluster style: the same `start()` line attaches)
   */
  readonly entry?: string;
  /**
   * Job modules (paths, relative to the working directory), loaded in the arbiter and in every
   * worker together with `--tasks-path`. Each exports its jobs as `jobs` or `default` (an array
   * of `defineJob` values or a JobRegistry), or as named exports.
   */
  readonly jobs?: readonly string[];
  /** Run the periodic scheduler in this arbiter. @default true */
  readonly periodic?: boolean;
}

/** What `connectTaskQueue` learns from the arbiter. */
interface QueueDescription {
  readonly tasks_path: readonly string[];
  readonly defaults: Partial<TaskRunOptions>;
  readonly high_water_mark: number;
  readonly backpressure: Backpressure;
}

interface ArbiterSide {
  readonly backend: TaskBackend;
  readonly client: TaskQueueClient;
  readonly registry: JobRegistry;
  readonly periodic?: PeriodicScheduler;
  readonly subscriptions: Subscription[];
}

interface WorkerSide {
  readonly backend: TaskBackend;
  readonly client: TaskQueueClient;
  readonly consumer: TaskConsumer;
  /** A Redis backend of this worker (closed on stop); the remote one belongs to the arbiter. */
  readonly ownsBackend: boolean;
  readonly subscriptions: Subscription[];
  replacing: boolean;
}

/**
 * Id under which a worker incarnation holds its leases: the actor id plus its restart count,
 * so that releasing a dead incarnation never touches the tasks of the one that replaced it.
 */
export function taskWorkerId(aid: string, restarts: number): string {
  return `${aid}.${restarts}`;
}

/** Command prefix of the task queue app called `name`. */
function commandPrefix(name: string): string {
  return `${name}_`;
}

/** A transport to the arbiter's task commands, from any actor (or the arbiter itself). */
function arbiterTransport(prefix: string) {
  return (command: string, ...args: unknown[]): Observable<unknown> =>
    request({ to: 'arbiter', command, args, timeout: STREAMING_TASK_COMMANDS.has(command.slice(prefix.length)) ? 0 : 30_000 });
}

/**
 * The task queue application: an arbiter holding the backend (or sharing Redis) and a pool of
 * workers running the jobs.
 *
 * ```
 * client.queue(addition, [40, 50]):  --PENDING--RECEIVED--STARTED--SUCCESS(90)|
 * kill -9 the worker mid-task:       --...STARTED--RETRY--RECEIVED--STARTED--SUCCESS| (attempt 2)
 * ```
 *
 * ## Example
 * ```ts
 * import { TaskQueue } from 'rxpulsar/apps/tasks';
 *
 * const tq = new TaskQueue({ jobs: ['./jobs.ts'] });
 * tq.start().then(() => tq.client?.result('addition', [40, 50]).subscribe(console.log)); // 90
 * ```
 *
 * @see connectTaskQueue for a client in another application's workers
 */
export class TaskQueue extends Application {
  static override readonly settingApps: readonly string[] = ['tasks'];
  static override readonly appName: string = 'tasks';

  protected declare readonly options: TaskQueueOptions;
  readonly #log: Logger;
  #arbiter: ArbiterSide | undefined;
  readonly #workers = new Map<string, WorkerSide>();
  #closed: Promise<void> | undefined;

  constructor(options: TaskQueueOptions = {}) {
    super(options);
    this.#log = createLogger(this.name);
  }

  /**
   * A client to queue and follow tasks: in the arbiter (after `start()`) over the backend, in a
   * thread or process worker over the arbiter's commands (or Redis). Undefined before start.
   */
  get client(): TaskQueueClient | undefined {
    if (this.#arbiter) return this.#arbiter.client;
    return this.#soleWorker()?.client;
  }

  /** The backend (the arbiter's, or this worker's view of it). */
  get backend(): TaskBackend | undefined {
    if (this.#arbiter) return this.#arbiter.backend;
    return this.#soleWorker()?.backend;
  }

  /** The jobs of the arbiter (after `start()`). */
  get registry(): JobRegistry | undefined {
    return this.#arbiter?.registry;
  }

  /** The periodic scheduler (arbiter, unless `periodic: false`). */
  get periodic(): PeriodicScheduler | undefined {
    return this.#arbiter?.periodic;
  }

  /** The consumer of this thread or process worker. */
  get consumer(): TaskConsumer | undefined {
    return this.#soleWorker()?.consumer;
  }

  /** This thread's or process's worker side; undefined in the arbiter or with several inline workers. */
  #soleWorker(): WorkerSide | undefined {
    return this.#workers.size === 1 ? this.#workers.values().next().value : undefined;
  }

  /** The JSON-RPC methods (pulsar's TaskQueueRpcMixin) over {@link client}. */
  get rpc(): TaskQueueRpc {
    const client = this.client;
    if (!client) throw createError('RXP_ERR_TASK_BACKEND', `task queue "${this.name}" is not started`);
    return new TaskQueueRpc(client);
  }

  /** Job modules of `--tasks-path` and the `jobs` option, as absolute paths (workers get this list). */
  protected override loadConfig(argv: readonly string[]): Config {
    const config = super.loadConfig(argv);
    const paths = [...config.get(tasksPath), ...(this.options.jobs ?? [])].map((p) => resolve(p));
    config.set(tasksPath.name, [...new Set(paths)]);
    return config;
  }

  protected override workerSpec(): Partial<WorkerSpec> {
    return this.options.entry ? { entry: resolve(this.options.entry), argv: [] } : {};
  }

  protected override monitorStart(arbiter: Arbiter, config: Config): void {
    const opts = taskQueueOptions(config);
    const registry = loadJobRegistry(config.get(tasksPath));
    if (registry.list().length === 0) this.#log.warn('no jobs: set --tasks-path or the `jobs` option');
    const backend = createBackend(opts.backend);
    const prefix = commandPrefix(this.name);
    for (const [name, handler] of Object.entries(exposeBackend(backend, { prefix }))) {
      // `stats` is registered below, with `done` added.
      if (name !== `${prefix}stats`) arbiter.command(name, (_ctx, ...args: unknown[]) => handler(...args));
    }
    const description: QueueDescription = {
      tasks_path: config.get(tasksPath),
      defaults: opts.defaults,
      high_water_mark: opts.high_water_mark,
      backpressure: opts.backpressure,
    };
    arbiter.command(`${prefix}describe`, () => description);
    // `stats` plus `done`: tasks ended since the first stats call (dashboards turn it into a
    // rate). Counting needs a watch on the backend, so it starts only once somebody asks.
    let done: number | undefined;
    const counting: Subscription[] = [];
    arbiter.command(`${prefix}stats`, () => {
      if (done === undefined) {
        done = 0;
        counting.push(
          backend.watch({ status: [...READY_STATES] }, false).subscribe({
            next: (m) => {
              if (m.type === 'status') done = (done ?? 0) + 1;
            },
            error: () => undefined,
          }),
        );
      }
      return backend.stats().pipe(map((stats) => ({ ...stats, done })));
    });
    const client = queueClient(backend, registry, opts);
    const periodic =
      this.options.periodic === false
        ? undefined
        : new PeriodicScheduler({ client, onError: (error, job) => this.#log.error('periodic job %s: %s', job, (error as Error).message) }).start();
    if (periodic) client.attachPeriodic(periodic);
    const subscriptions = [
      startMaintenance(backend, 1000),
      // A worker that is gone holds nothing: its tasks go back now, not when their leases run out.
      arbiter.events$
        .pipe(filter((e) => e.monitor === this.name && (e.type === 'actor:crashed' || e.type === 'actor:stopped')))
        .subscribe((e) => {
          backend.releaseWorker(taskWorkerId(e.aid, e.restarts ?? 0)).subscribe({
            next: (n) => {
              if (n > 0) this.#log.warn('%s(%s) %s: %d task(s) sent back to the queue', e.name, e.aid, e.reason ?? e.type, n);
            },
            error: (error: unknown) => this.#log.error('releasing %s: %s', e.aid, (error as Error).message),
          });
        }),
      arbiter.events$.pipe(filter((e) => e.type === 'arbiter:stopped')).subscribe(() => void this.close()),
      new Subscription(() => counting.forEach((c) => c.unsubscribe())),
    ];
    this.#arbiter = { backend, client, registry, periodic, subscriptions };
  }

  protected override ready(): void {
    const side = this.#arbiter;
    if (!side) return;
    this.#log.info('%d job(s): %s', side.registry.list().length, side.registry.list().map((j) => j.name).join(', '));
  }

  protected override async workerStart(actor: ActorContext): Promise<void> {
    // An inline worker killed without a stop (heartbeat timeout) leaves its consumer behind in
    // this event loop: stop it before its slot's next incarnation starts one.
    const previous = this.#workers.get(actor.aid);
    if (previous) this.#dispose(previous, 0);
    const config = actor.config;
    const opts = taskQueueOptions(config);
    const registry = loadJobRegistry(config.get(tasksPath));
    const ownsBackend = opts.backend !== 'embedded';
    const backend = ownsBackend ? createBackend(opts.backend) : createRemoteBackend(arbiterTransport(commandPrefix(this.name)), { prefix: commandPrefix(this.name) });
    const client = queueClient(backend, registry, opts);
    const consumer = new TaskConsumer({
      backend,
      registry,
      client,
      concurrency: opts.concurrency,
      lease: opts.lease,
      queues: opts.queues,
      worker: taskWorkerId(actor.aid, actor.info().restarts),
    });
    const side: WorkerSide = { backend, client, consumer, ownsBackend, subscriptions: [], replacing: false };
    side.subscriptions.push(
      consumer.errors$.subscribe((error) => actor.log.warn('task backend: %s', (error as Error)?.message ?? error)),
      consumer.hardTimeLimit$.subscribe((event) => this.#replace(actor, side, event)),
    );
    this.#workers.set(actor.aid, side);
    // Tasks count as requests: `--max-requests` recycles task workers too.
    actor.addRequestCounter(() => consumer.processed);
    actor.addInfo(() => ({ tasks: { worker: consumer.worker, running: consumer.running, processed: consumer.processed, failed: consumer.failed } }));
    consumer.start();
  }

  protected override async workerStop(actor: ActorContext): Promise<void> {
    const side = this.#workers.get(actor.aid);
    if (side) await this.#dispose(side, drainBudget(actor.config));
  }

  /** Stops a worker's consumer (running tasks get `timeout` ms) and what it holds. */
  async #dispose(side: WorkerSide, timeout: number): Promise<void> {
    await new Promise<void>((done) => side.consumer.stop({ timeout }).subscribe({ complete: done, error: () => done() }));
    for (const s of side.subscriptions) s.unsubscribe();
    if (side.ownsBackend) await side.backend.close();
    for (const [aid, held] of this.#workers) if (held === side) this.#workers.delete(aid);
  }

  /**
   * A job overran its hard time limit. Its task has been failed (or sent to retry) already, but
   * the job may still hold what it holds — a socket, a timer, a promise that never settles — so
   * this worker makes way for a fresh one: it stops pulling, lets its other tasks finish within
   * the drain time, and exits with a non-zero code, which the supervisor answers with a
   * restart. (A job stuck in a busy loop never lets this run: its worker stops sending
   * heartbeats, and the heartbeat timeout replaces it.) An inline worker cannot exit its host,
   * the arbiter: it stops, and its permanent slot restarts it.
   */
  #replace(actor: ActorContext, side: WorkerSide, event: HardTimeLimitEvent): void {
    actor.log.error(
      'task %s (%s) overran its hard time limit of %d ms: replacing this worker',
      event.task_id,
      event.job,
      event.limit,
    );
    if (side.replacing || actor.state === 'stopping' || actor.state === 'stopped') return;
    side.replacing = true;
    const exit = (): void => {
      if (actor.concurrency === 'inline') actor.stop('hard time limit');
      else process.exit(REPLACE_EXIT_CODE);
    };
    side.consumer.stop({ timeout: drainBudget(actor.config) }).subscribe({ complete: exit, error: exit });
  }

  /** Stops the workers, then the arbiter's scheduler, maintenance and backend. */
  override async stop(): Promise<void> {
    await super.stop();
    await this.close();
  }

  /** Releases what the arbiter side holds (idempotent; runs when the arbiter stops). */
  close(): Promise<void> {
    const side = this.#arbiter;
    if (!side) return Promise.resolve();
    this.#closed ??= (async () => {
      side.periodic?.stop();
      for (const s of side.subscriptions) s.unsubscribe();
      await side.backend.close();
    })();
    return this.#closed;
  }
}

export interface ConnectTaskQueueOptions {
  /** Name of the TaskQueue application. @default 'tasks' */
  readonly name?: string;
  /** Jobs known to this producer; by default the arbiter's job modules are loaded here. */
  readonly registry?: JobRegistry;
}

/**
 * A client of the task queue application `name`, from any actor of the same arbiter (the
 * workers of an HTTP app, a spawned actor) or the arbiter itself: it talks to the arbiter's
 * task commands, and loads the same job modules so that job options (overlap, expiry, limits)
 * apply as they do in the queue itself.
 *
 * ## Example
 * ```ts
 * const client = await connectTaskQueue({ name: 'taskqueue' });
 * client.result('addition', [40, 50]).subscribe(console.log); // 90
 * ```
 */
export async function connectTaskQueue(options: ConnectTaskQueueOptions = {}): Promise<TaskQueueClient> {
  const prefix = commandPrefix(options.name ?? TaskQueue.appName);
  const transport = arbiterTransport(prefix);
  const description = (await firstValueFrom(transport(`${prefix}describe`))) as QueueDescription;
  return queueClient(createRemoteBackend(transport, { prefix }), options.registry ?? loadJobRegistry(description.tasks_path), description);
}

/** A client with the queue's defaults and backpressure (the arbiter's, a worker's, a remote one). */
function queueClient(backend: TaskBackend, registry: JobRegistry, queue: Pick<QueueDescription, 'defaults' | 'high_water_mark' | 'backpressure'>): TaskQueueClient {
  return new TaskQueueClient({ backend, registry, defaults: queue.defaults, high_water_mark: queue.high_water_mark, backpressure: queue.backpressure });
}
