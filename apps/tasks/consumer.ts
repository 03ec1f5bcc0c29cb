/**
 * The worker loop: pulls tasks on credit and runs their jobs.
 *
 * ```
 * credit = concurrency - running      claim(max = credit) ──▶ run ──▶ report (batched)
 *        ▲                                                            │
 *        └──────────── a task ends, a wake hint, a due ETA, the poll timer ◀──┘
 * ```
 *
 * No blind prefetch: a worker holds only the tasks it is running, so a busy worker leaves the
 * rest of the queue to idle ones, and a crash loses at most `concurrency` leases. While a job
 * runs its lease is renewed; reports (start, progress, partial results, outcome, renewals)
 * are batched per turn of the event loop into one backend call. Hosting is someone else's
 * business: the actor runtime wires {@link TaskConsumer.hardTimeLimit$} to replacing the worker.
 */
import { hostname } from 'node:os';
import {
  asapScheduler,
  asyncScheduler,
  interval,
  isObservable,
  Observable,
  Subject,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { createError, serializeError } from '../../lib/errors';
import type { BackendSignal, TaskBackend, TaskUpdate } from './backend';
import { retryDelay } from './backoff';
import { TaskQueueClient } from './client';
import type { JobRegistry, JobResult } from './job';
import { RunningTask, type TaskHost } from './running-task';
import { randomTaskId } from './task-id';
import type { TaskRecord } from './types';

export interface TaskConsumerOptions {
  readonly backend: TaskBackend;
  /** Client used by `ctx.queue()` for child tasks. @default a client over `backend` and `registry` */
  readonly client?: TaskQueueClient;
  /** Tasks run at once by this worker (`task_concurrency`). @default 4 */
  readonly concurrency?: number;
  /** Lease length in ms; a worker silent for longer loses its tasks to others. @default 30_000 */
  readonly lease?: number;
  /** Longest wait between pulls when no hint arrives, in ms. @default 1000 */
  readonly poll_interval?: number;
  /** Queues to pull from, first has precedence. @default ['default'] */
  readonly queues?: readonly string[];
  /** Source of randomness for retry jitter. @default Math.random */
  readonly random?: () => number;
  readonly registry: JobRegistry;
  /** Lease renewal period in ms. @default lease / 3 */
  readonly renew_interval?: number;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Worker id recorded on leases. @default `<host>:<pid>:<random>` */
  readonly worker?: string;
}

/** A job overran its hard time limit: its worker should be replaced (the job may still hold resources). */
export interface HardTimeLimitEvent {
  readonly task_id: string;
  readonly job: string;
  readonly worker: string;
  readonly attempt: number;
  readonly limit: number;
}


export interface StopOptions {
  /** Ms to let running tasks finish; then they are aborted and released to other workers. @default 30_000 */
  readonly timeout?: number;
}

/** Runs tasks from a backend; see the module comment. */
export class TaskConsumer {
  readonly worker: string;
  readonly #backend: TaskBackend;
  readonly #registry: JobRegistry;
  readonly #client: TaskQueueClient;
  readonly #concurrency: number;
  readonly #lease: number;
  readonly #renewInterval: number;
  readonly #pollInterval: number;
  readonly #queues: readonly string[];
  readonly #scheduler: SchedulerLike;
  readonly #random: () => number;
  readonly #running = new Map<string, RunningTask>();
  readonly #host: TaskHost;
  readonly #hardTimeLimit = new Subject<HardTimeLimitEvent>();
  readonly #errors = new Subject<unknown>();
  #updates: TaskUpdate[] = [];
  #flushScheduled = false;
  #reporting = false;
  #claiming = false;
  #wakePending = false;
  #drained = false;
  #dispatching = false;
  #started = false;
  #stopping = false;
  #pullTimer?: Subscription;
  /** Times at which tasks this worker sent back for a retry become due. */
  #localDue: number[] = [];
  #renewTimer?: Subscription;
  #signalSub?: Subscription;
  #processed = 0;
  #failed = 0;
  #drainWaiters: (() => void)[] = [];

  /** Emits when a job overran its hard time limit; the host should replace this worker. */
  readonly hardTimeLimit$: Observable<HardTimeLimitEvent> = this.#hardTimeLimit.asObservable();
  /** Backend errors met by the loop (it keeps going: claims and reports are retried). */
  readonly errors$: Observable<unknown> = this.#errors.asObservable();

  constructor(options: TaskConsumerOptions) {
    this.#backend = options.backend;
    this.#registry = options.registry;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#client = options.client ?? new TaskQueueClient({ backend: options.backend, registry: options.registry, scheduler: this.#scheduler });
    this.#concurrency = positiveInteger('concurrency', options.concurrency ?? 4);
    this.#lease = positive('lease', options.lease ?? 30_000);
    this.#renewInterval = positive('renew_interval', options.renew_interval ?? this.#lease / 3);
    this.#pollInterval = positive('poll_interval', options.poll_interval ?? 1000);
    this.#queues = options.queues ?? ['default'];
    this.#random = options.random ?? Math.random;
    this.worker = options.worker ?? `${hostname()}:${process.pid}:${randomTaskId().slice(0, 6)}`;
    this.#host = { client: this.#client, scheduler: this.#scheduler, report: (update) => this.#report(update) };
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Tasks finished by this worker (any outcome). */
  get processed(): number {
    return this.#processed;
  }

  /** Tasks whose attempt failed here (retried or not). */
  get failed(): number {
    return this.#failed;
  }

  /** Starts pulling (idempotent). */
  start(): this {
    if (this.#started) return this;
    this.#started = true;
    this.#signalSub = this.#backend.signals().subscribe({
      next: (signal) => this.#onSignal(signal),
      error: (error: unknown) => this.#errors.next(error),
    });
    this.#renewTimer = interval(this.#renewInterval, this.#scheduler).subscribe(() => this.#renew());
    this.#pump();
    return this;
  }

  /**
   * Stops pulling, lets running tasks finish (up to `timeout`, then aborts them and hands them
   * back to the queue), sends the last reports and completes.
   */
  stop(options: StopOptions = {}): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.#stopping = true;
      this.#pullTimer?.unsubscribe();
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        this.#renewTimer?.unsubscribe();
        this.#signalSub?.unsubscribe();
        this.#afterReports(() => {
          subscriber.next();
          subscriber.complete();
        });
      };
      if (this.#running.size === 0) {
        finish();
        return undefined;
      }
      const limit = this.#scheduler.schedule(() => {
        this.#drainWaiters = [];
        for (const running of [...this.#running.values()]) this.#drop(running, createError('RXP_ERR_ACTOR_STOPPED', this.worker, running.task.job));
        this.#backend.releaseWorker(this.worker).subscribe({ error: (e: unknown) => this.#errors.next(e), complete: finish });
      }, options.timeout ?? 30_000);
      this.#drainWaiters.push(() => {
        limit.unsubscribe();
        finish();
      });
      return undefined;
    });
  }

  // --- pulling -----------------------------------------------------------------------------------

  #credit(): number {
    return this.#concurrency - this.#running.size;
  }

  #pump(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#claiming) {
      this.#wakePending = true;
      return;
    }
    const max = this.#credit();
    if (max <= 0) return;
    this.#claiming = true;
    this.#wakePending = false;
    this.#pullTimer?.unsubscribe();
    this.#backend.claim({ worker: this.worker, max, lease: this.#lease, queues: this.#queues }).subscribe({
      next: (reply) => {
        this.#claiming = false;
        this.#dispatching = true;
        for (const task of reply.tasks) this.#run(task);
        this.#dispatching = false;
        // A short batch means the queues were empty a moment ago: wait for a hint, a due ETA or
        // the poll timer instead of asking again on every completion.
        this.#drained = reply.tasks.length < max;
        if (this.#wakePending || !this.#drained) this.#pump();
        else this.#idle(reply.next_due);
      },
      error: (error: unknown) => {
        this.#claiming = false;
        this.#errors.next(error);
        this.#idle(undefined);
      },
    });
  }

  #idle(nextDue: number | undefined): void {
    if (this.#stopping) return;
    const now = this.#scheduler.now();
    this.#localDue = this.#localDue.filter((time) => time >= now);
    let target = now + this.#pollInterval;
    if (nextDue !== undefined) target = Math.min(target, nextDue);
    for (const time of this.#localDue) target = Math.min(target, time);
    this.#pullTimer?.unsubscribe();
    this.#pullTimer = this.#scheduler.schedule(() => {
      const firedAt = this.#scheduler.now();
      this.#localDue = this.#localDue.filter((time) => time > firedAt);
      this.#drained = false;
      if (this.#credit() > 0) this.#pump();
      else this.#maintain();
    }, Math.max(0, target - now));
  }

  #maintain(): void {
    this.#backend.maintain().subscribe({ error: (e: unknown) => this.#errors.next(e) });
    this.#idle(undefined);
  }

  #onSignal(signal: BackendSignal): void {
    if (signal.type === 'revoke') {
      const running = this.#running.get(signal.id);
      if (running) this.#drop(running, createError('RXP_ERR_TASK_REVOKED', signal.id, running.task.job, 'revoked'));
    } else if (this.#queues.includes(signal.queue)) {
      this.#drained = false;
      this.#pump();
    }
  }

  // --- running -----------------------------------------------------------------------------------

  #run(task: TaskRecord): void {
    const job = this.#registry.get(task.job);
    if (!job) {
      // No retry: another worker with the same registry would fail the same way.
      this.#report({
        type: 'failure',
        id: task.id,
        attempt: task.attempt,
        error: serializeError(createError('RXP_ERR_JOB_NOT_REGISTERED', task.job), false),
      });
      this.#processed++;
      this.#failed++;
      return;
    }
    const running = new RunningTask(task, job, this.#host);
    this.#running.set(task.id, running);
    this.#report({ type: 'start', id: task.id, attempt: task.attempt });
    const { soft_time_limit: soft, hard_time_limit: hard } = task.options;
    if (soft > 0) {
      running.teardown.push(
        this.#scheduler.schedule(() => {
          if (!running.done) running.abort(createError('RXP_ERR_TASK_SOFT_TIME_LIMIT', task.id, task.job, soft));
        }, soft),
      );
    }
    if (hard > 0) running.teardown.push(this.#scheduler.schedule(() => this.#hardLimit(running, hard), hard));
    let out: JobResult<unknown>;
    try {
      out = job.run(running, ...task.args);
    } catch (error) {
      this.#fail(running, error);
      return;
    }
    // Plain values and Promises skip the Observable machinery: most jobs are one of these.
    if (isObservable(out)) {
      const subscription = out.subscribe({
        next: (value) => {
          if (running.done) return;
          running.last = value === undefined ? null : value;
          this.#report({ type: 'partial', id: task.id, attempt: task.attempt, value: running.last });
        },
        error: (error: unknown) => this.#fail(running, error),
        complete: () => this.#succeed(running),
      });
      if (running.done) subscription.unsubscribe();
      else running.teardown.push(subscription);
    } else if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') {
      (out as PromiseLike<unknown>).then(
        (value) => {
          if (running.done) return;
          running.last = value === undefined ? null : value;
          this.#succeed(running);
        },
        (error: unknown) => this.#fail(running, error),
      );
    } else {
      running.last = out === undefined ? null : out;
      this.#succeed(running);
    }
  }

  #succeed(running: RunningTask): void {
    if (!this.#end(running)) return;
    this.#report({ type: 'success', id: running.task.id, attempt: running.task.attempt, result: running.last });
  }

  #fail(running: RunningTask, error: unknown): void {
    if (!this.#end(running)) return;
    this.#failed++;
    this.#reportFailure(running, error);
  }

  #reportFailure(running: RunningTask, error: unknown): void {
    const { task, definition } = running;
    const retryable = task.retries < task.options.max_retries && (definition.options.retry_on?.(error) ?? true);
    const retryAt = retryable ? this.#scheduler.now() + retryDelay(task.retries, task.options, this.#random) : undefined;
    this.#report({
      type: 'failure',
      id: task.id,
      attempt: task.attempt,
      error: serializeError(error),
      ...(retryAt !== undefined ? { retry_at: retryAt } : {}),
    });
    if (retryAt !== undefined) {
      // Wake up for it even if no hint comes (another worker's claim may not see it yet).
      this.#localDue.push(retryAt);
      this.#idle(undefined);
    }
  }

  #hardLimit(running: RunningTask, limit: number): void {
    if (running.done) return;
    const { task } = running;
    const error = createError('RXP_ERR_TASK_TIME_LIMIT', task.id, task.job, limit);
    running.abort(error);
    this.#end(running);
    this.#failed++;
    this.#reportFailure(running, error);
    this.#hardTimeLimit.next({ task_id: task.id, job: task.job, worker: this.worker, attempt: task.attempt, limit });
  }

  /** Stops a task without reporting it: it was revoked or its lease is gone. */
  #drop(running: RunningTask, reason: Error): void {
    if (running.done) return;
    running.abort(reason);
    this.#end(running);
  }

  /** Marks a task ended and frees its slot; false if it had already ended. */
  #end(running: RunningTask): boolean {
    if (running.done) return false;
    running.done = true;
    for (const teardown of running.teardown) teardown.unsubscribe();
    if (this.#running.get(running.task.id) === running) this.#running.delete(running.task.id);
    this.#processed++;
    if (this.#stopping) {
      if (this.#running.size === 0) this.#drainWaiters.splice(0).forEach((w) => w());
    } else if (!this.#drained && !this.#dispatching) {
      this.#pump();
    }
    return true;
  }

  // --- reporting ---------------------------------------------------------------------------------

  #renew(): void {
    for (const running of this.#running.values()) {
      if (!running.done) this.#updates.push({ type: 'renew', id: running.task.id, attempt: running.task.attempt });
    }
    if (this.#credit() <= 0) this.#backend.maintain().subscribe({ error: (e: unknown) => this.#errors.next(e) });
    this.#scheduleFlush();
  }

  #report(update: TaskUpdate): void {
    this.#updates.push(update);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#reporting || this.#updates.length === 0) return;
    this.#flushScheduled = true;
    // The microtask queue: every report of this turn (a whole claimed batch of quick jobs) goes out together.
    asapScheduler.schedule(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#updates.length === 0) return this.#reportsIdle();
    const updates = foldStarts(this.#updates);
    this.#updates = [];
    const sent = new Map(updates.map((u) => [u.id, u.attempt]));
    this.#reporting = true;
    this.#backend.report({ worker: this.worker, lease: this.#lease, updates }).subscribe({
      next: (reply) => {
        for (const id of reply.lost) {
          const running = this.#running.get(id);
          if (running && running.task.attempt === sent.get(id)) {
            this.#drop(running, createError('RXP_ERR_TASK_REVOKED', id, running.task.job, 'lease lost'));
          }
        }
      },
      error: (error: unknown) => {
        this.#reporting = false;
        this.#errors.next(error);
        // Keep the order: these go first next time. If the backend stays away the leases run
        // out and the tasks are redelivered (at least once).
        this.#updates = [...updates, ...this.#updates];
        this.#scheduler.schedule(() => this.#scheduleFlush(), Math.min(this.#pollInterval, 1000));
      },
      complete: () => {
        if (!this.#reporting) return;
        this.#reporting = false;
        if (this.#updates.length > 0) this.#scheduleFlush();
        else this.#reportsIdle();
      },
    });
  }

  #reportWaiters: (() => void)[] = [];

  #afterReports(done: () => void): void {
    if (!this.#reporting && !this.#flushScheduled && this.#updates.length === 0) done();
    else {
      this.#reportWaiters.push(done);
      this.#scheduleFlush();
    }
  }

  #reportsIdle(): void {
    if (this.#updates.length === 0 && !this.#reporting) this.#reportWaiters.splice(0).forEach((w) => w());
  }
}

/**
 * A start report followed, in the same batch, by the outcome of the same attempt (a quick job)
 * travels as one update flagged `started`: the backend records both, for the price of one.
 */
function foldStarts(updates: TaskUpdate[]): TaskUpdate[] {
  const ended = new Map<string, number>();
  for (const u of updates) if (u.type === 'success' || u.type === 'failure') ended.set(u.id, u.attempt);
  if (ended.size === 0) return updates;
  const folded = new Set<string>();
  const out: TaskUpdate[] = [];
  for (const u of updates) {
    if (u.type === 'start' && ended.get(u.id) === u.attempt) folded.add(u.id);
    else if ((u.type === 'success' || u.type === 'failure') && folded.has(u.id)) out.push({ ...u, started: true });
    else out.push(u);
  }
  return out;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', name, 'a positive number', value);
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw createError('RXP_ERR_INVALID_ARGUMENT', name, 'a positive integer', value);
  return value;
}
