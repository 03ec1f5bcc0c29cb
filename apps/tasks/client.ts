/**
 * The producer side: queue tasks and follow them, as Observables.
 *
 * ```
 * queue(add, [1, 2]):  --PENDING--RECEIVED--STARTED--progress--SUCCESS|
 * result(add, [1, 2]): -----------------------------------------3|
 * unsubscribe before the end ──▶ revoke(id): the task is cancelled wherever it runs
 * ```
 */
import {
  asyncScheduler,
  defer,
  EMPTY,
  filter,
  map,
  mergeMap,
  Observable,
  of,
  type OperatorFunction,
  type SchedulerLike,
  take,
  throwError,
  timeout as rxTimeout,
} from 'rxjs';
import { createError, type SerializedError } from '../../lib/errors';
import type { EnqueueRequest, EnqueueResult, TaskBackend } from './backend';
import { EnqueueBatcher, type Backpressure } from './enqueue-batcher';
import type { Job, JobRef, JobRegistry } from './job';
import type { PeriodicScheduler } from './periodic-scheduler';
import { compileSchedule } from './schedule';
import { isDone, isLater, type TaskPosition, type TaskStatus } from './states';
import { DEFAULT_RUN_OPTIONS, MAX_PRIORITY, MIN_PRIORITY, recordFromRequest } from './task-helpers';
import { dedupeTaskId, randomTaskId } from './task-id';
import type { TaskEvent, TaskFilter, TaskOptions, TaskRecord, TaskRunOptions } from './types';

export interface TaskQueueClientOptions {
  readonly backend: TaskBackend;
  /** What to do at the high-water mark: wait until there is room, or fail with RXP_ERR_QUEUE_FULL. @default 'wait' */
  readonly backpressure?: Backpressure;
  /** Most tasks per backend call when many are queued at once. @default 500 */
  readonly batch_size?: number;
  /** Engine defaults for every task (below job and call options). */
  readonly defaults?: Partial<TaskRunOptions>;
  /** Waiting tasks at which producers are held back. 0 = no limit. @default 0 */
  readonly high_water_mark?: number;
  /** Task id generator. @default randomTaskId */
  readonly id?: () => string;
  /** Periodic scheduler whose run counts `jobList` reports. */
  readonly periodic?: PeriodicScheduler;
  /** Known jobs: names are checked and job defaults applied. Without it any name is accepted. */
  readonly registry?: JobRegistry;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** One row of `jobList()` (pulsar's `job_list`). */
export interface JobInfo {
  readonly name: string;
  readonly doc?: string;
  readonly type: 'regular' | 'periodic';
  /** `'maybe'` when it depends on the arguments. */
  readonly can_overlap: boolean | 'maybe';
  readonly queue: string;
  readonly next_run?: number;
  /** Period in ms (`every` schedules). */
  readonly run_every?: number;
  readonly cron?: string;
  readonly tz?: string;
  /** Runs queued by this process's periodic scheduler. */
  readonly runs_count?: number;
  readonly last_run?: number;
}

/** The periodic job due first (pulsar's `next_scheduled`). */
export interface NextScheduled {
  readonly job: string;
  readonly next_run: number;
  /** Milliseconds from now. */
  readonly time_to_run: number;
}

export interface WaitOptions {
  /** Fail with RXP_ERR_TIMEOUT after this many ms. 0 = wait forever. @default 0 */
  readonly timeout?: number;
}

const RUN_OPTION_KEYS = Object.keys(DEFAULT_RUN_OPTIONS) as (keyof TaskRunOptions)[];

/**
 * Turns a task's event stream into its result: emits the result on SUCCESS, errors with
 * RXP_ERR_TASK_FAILED (the job's error in `data`), RXP_ERR_TASK_REVOKED or RXP_ERR_TASK_EXPIRED.
 */
export function taskResult<R>(): OperatorFunction<TaskEvent, R> {
  return (event$) =>
    event$.pipe(
      filter((event) => event.type === 'status' && isDone(event.status)),
      take(1),
      mergeMap((event) => (event.status === 'SUCCESS' ? of(event.result as R) : throwError(() => taskError(event)))),
    );
}

/** The catalog error that tells a consumer of the result why a task did not succeed. */
export function taskError(task: Pick<TaskEvent, 'id' | 'job' | 'status' | 'error'>): Error {
  const cause: SerializedError | undefined = task.error;
  let error;
  if (task.status === 'REVOKED') {
    error =
      cause?.code === 'RXP_ERR_TASK_EXPIRED'
        ? createError('RXP_ERR_TASK_EXPIRED', task.id, task.job)
        : createError('RXP_ERR_TASK_REVOKED', task.id, task.job, cause?.message ?? 'revoked');
  } else {
    error = createError('RXP_ERR_TASK_FAILED', task.id, task.job, cause?.message ?? task.status);
  }
  if (cause !== undefined) error.data = cause;
  return error;
}

/** Queues tasks and follows them; see the module comment. */
export class TaskQueueClient {
  readonly backend: TaskBackend;
  readonly registry?: JobRegistry;
  readonly scheduler: SchedulerLike;
  readonly #defaults: TaskRunOptions;
  readonly #id: () => string;
  readonly #batcher: EnqueueBatcher;
  #periodic?: PeriodicScheduler;

  constructor(options: TaskQueueClientOptions) {
    this.backend = options.backend;
    this.registry = options.registry;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.#defaults = validateRunOptions({ ...DEFAULT_RUN_OPTIONS, ...options.defaults });
    this.#id = options.id ?? randomTaskId;
    this.#periodic = options.periodic;
    this.#batcher = new EnqueueBatcher({
      backend: this.backend,
      backpressure: options.backpressure ?? 'wait',
      batch_size: options.batch_size ?? 500,
      high_water_mark: options.high_water_mark ?? 0,
      scheduler: this.scheduler,
    });
  }

  /** Attaches the periodic scheduler whose run counts `jobList()` reports. */
  attachPeriodic(periodic: PeriodicScheduler): void {
    this.#periodic = periodic;
  }

  /**
   * Queues `job(...args)` and emits the task's events until it ends, then completes.
   * Unsubscribing before the end revokes the task — only if this call created it (a
   * non-overlapping job may hand back a task another producer is following).
   */
  queue<A extends unknown[], R>(job: JobRef<A, R>, args: A, options: TaskOptions = {}): Observable<TaskEvent> {
    return defer(() => this.#follow(this.prepare(job, args, options)));
  }

  /** Queues `job(...args)` and emits its result; see {@link taskResult} for the errors. */
  result<A extends unknown[], R>(job: JobRef<A, R>, args: A, options: TaskOptions = {}): Observable<R> {
    return this.queue(job, args, options).pipe(taskResult<R>());
  }

  /** Queues `job(...args)` without following it; emits the task record once stored. */
  submit<A extends unknown[], R>(job: JobRef<A, R>, args: A, options: TaskOptions = {}): Observable<TaskRecord> {
    return defer(() => this.submitRequest(this.prepare(job, args, options)));
  }

  /** Queues many tasks at once (batched backend calls); emits their records in order. */
  submitMany(items: readonly { readonly job: JobRef; readonly args: unknown[]; readonly options?: TaskOptions }[]): Observable<TaskRecord[]> {
    return defer(() => {
      const requests = items.map((item) => this.prepare(item.job, item.args, item.options ?? {}));
      return this.#batcher.enqueueMany(requests).pipe(
        mergeMap((results) => {
          const existing = results.filter((r) => !r.created).map((r) => r.id);
          const fetched$ = existing.length > 0 ? this.backend.query({ ids: existing }) : of([]);
          return fetched$.pipe(
            map((found) => {
              const byId = new Map(found.map((task) => [task.id, task]));
              return results.map((result, i) => {
                if (result.created) return recordFromRequest(requests[i]);
                const task = byId.get(result.id);
                if (!task) throw createError('RXP_ERR_TASK_NOT_FOUND', result.id);
                return task;
              });
            }),
          );
        }),
      );
    });
  }

  /** Stores a prepared request (advanced: the periodic scheduler sets `slot` and `mode`). */
  submitRequest(request: EnqueueRequest): Observable<TaskRecord> {
    return this.enqueue(request).pipe(
      mergeMap((result) => {
        if (result.created) return of(recordFromRequest(request));
        return this.backend.get(result.id).pipe(
          mergeMap((task) => (task ? of(task) : throwError(() => createError('RXP_ERR_TASK_NOT_FOUND', result.id)))),
        );
      }),
    );
  }

  /** Sends one prepared request through the batcher (and the high-water mark). */
  enqueue(request: EnqueueRequest): Observable<EnqueueResult> {
    return this.#batcher.enqueue(request);
  }

  /** Revokes a task wherever it is (a running job sees `ctx.signal` abort). Emits its status after. */
  revoke(id: string, reason = 'revoked'): Observable<TaskStatus | null> {
    return this.backend.revoke(id, reason);
  }

  getTask(id: string): Observable<TaskRecord | null> {
    return this.backend.get(id);
  }

  /** Tasks matching every given field of `filter` (each at most once), oldest first. */
  getTasks(filter: TaskFilter = {}): Observable<TaskRecord[]> {
    return this.backend.query(filter);
  }

  /** Emits the task's final record once it is done (RXP_ERR_TASK_NOT_FOUND for an unknown id). */
  waitForTask(id: string, options: WaitOptions = {}): Observable<TaskRecord> {
    const wait$ = this.backend.watch({ ids: [id] }, true).pipe(
      scanPositions(),
      mergeMap((item) => {
        if (item === 'missing') return throwError(() => createError('RXP_ERR_TASK_NOT_FOUND', id));
        return item.type === 'status' && isDone(item.status) ? of(item) : EMPTY;
      }),
      take(1),
      mergeMap(() => this.backend.get(id)),
      mergeMap((task) => (task ? of(task) : throwError(() => createError('RXP_ERR_TASK_NOT_FOUND', id)))),
    );
    const limit = options.timeout ?? 0;
    if (limit <= 0) return wait$;
    return wait$.pipe(
      rxTimeout({
        first: limit,
        scheduler: this.scheduler,
        with: () => throwError(() => createError('RXP_ERR_TIMEOUT', 'wait_for_task', id, limit)),
      }),
    );
  }

  /** Live view: the current state of every matching task, then each change (never backwards). */
  tasks$(filter: TaskFilter = {}): Observable<TaskEvent> {
    return defer(() => {
      const positions = new Map<string, TaskPosition>();
      return this.backend.watch(filter, true).pipe(
        mergeMap((message) => {
          if (message.type === 'sync') return EMPTY;
          const current = positions.get(message.id);
          if (message.type !== 'status') return current && isDone(current.status) ? EMPTY : of(message);
          if (!isLater(message, current)) return EMPTY;
          positions.set(message.id, message);
          return of(message);
        }),
      );
    });
  }

  /** The registered jobs, with their schedules (pulsar's `job_list`). */
  jobList(names?: readonly string[]): Observable<JobInfo[]> {
    return defer(() => {
      const now = this.scheduler.now();
      const jobs = (this.registry?.list() ?? []).filter((job) => !names || names.includes(job.name));
      return of(jobs.map((job) => this.#jobInfo(job, now)));
    });
  }

  /** The periodic job due first, or null (pulsar's `next_scheduled`). */
  nextScheduled(names?: readonly string[]): Observable<NextScheduled | null> {
    return this.jobList(names).pipe(
      map((jobs) => {
        const now = this.scheduler.now();
        let best: NextScheduled | null = null;
        for (const job of jobs) {
          if (job.next_run !== undefined && (!best || job.next_run < best.next_run)) {
            best = { job: job.name, next_run: job.next_run, time_to_run: Math.max(0, job.next_run - now) };
          }
        }
        return best;
      }),
    );
  }

  /**
   * Resolves a call into the request a backend stores: id, priority, ETA, expiry and run
   * options (call options over job options over engine defaults). Throws catalog errors.
   */
  prepare<A extends unknown[], R>(job: JobRef<A, R>, args: A, options: TaskOptions = {}): EnqueueRequest {
    const name = typeof job === 'string' ? job : job?.name;
    if (typeof name !== 'string') throw createError('RXP_ERR_INVALID_ARGUMENT', 'job', 'a job or a job name', typeof job);
    const known = this.registry?.get(name) ?? (typeof job === 'string' ? undefined : (job as Job));
    if (this.registry && !known) throw createError('RXP_ERR_JOB_NOT_REGISTERED', name);
    if (!Array.isArray(args)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'args', 'an array', typeof args);
    const jobOptions = known?.options ?? {};
    const now = this.scheduler.now();
    const overlapOption = jobOptions.can_overlap;
    const canOverlap =
      options.can_overlap ?? (typeof overlapOption === 'function' ? overlapOption(...args) : (overlapOption ?? true));
    const id = options.id ?? (canOverlap ? this.#id() : dedupeTaskId(name, args));
    const eta = options.eta instanceof Date ? options.eta.getTime() : (options.eta ?? (options.delay ? now + options.delay : undefined));
    const expires = options.expires ?? jobOptions.expires;
    const expiry = expires instanceof Date ? expires.getTime() : expires !== undefined ? now + expires : undefined;
    const priority = options.priority ?? jobOptions.priority ?? 0;
    if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw createError('RXP_ERR_INVALID_ARGUMENT', 'priority', `an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}`, priority);
    }
    const run: Record<string, unknown> = { ...this.#defaults };
    for (const key of RUN_OPTION_KEYS) {
      if (jobOptions[key] !== undefined) run[key] = jobOptions[key];
      if (options[key] !== undefined) run[key] = options[key];
    }
    return {
      id,
      job: name,
      args: args.map((arg) => (arg === undefined ? null : arg)),
      queue: options.queue ?? jobOptions.queue ?? 'default',
      priority,
      time_queued: now,
      ...(options.from_task !== undefined ? { from_task: options.from_task } : {}),
      ...(eta !== undefined ? { eta } : {}),
      ...(expiry !== undefined ? { expiry } : {}),
      mode: options.id !== undefined || !canOverlap ? 'dedupe' : 'overlap',
      options: validateRunOptions(run as unknown as TaskRunOptions),
    };
  }

  // --- internals ---------------------------------------------------------------------------------

  #follow(request: EnqueueRequest): Observable<TaskEvent> {
    return new Observable<TaskEvent>((subscriber) => {
      let phase: 'snapshot' | 'enqueuing' | 'live' = 'snapshot';
      const snapshot: TaskEvent[] = [];
      const buffered: TaskEvent[] = [];
      let current: TaskPosition | undefined;
      let created = false;
      let finished = false;

      const deliver = (event: TaskEvent): void => {
        if (finished) return;
        if (event.type !== 'status') {
          if (current && event.attempt >= current.attempt) subscriber.next(event);
          return;
        }
        if (!isLater(event, current)) return;
        current = event;
        subscriber.next(event);
        if (isDone(event.status)) {
          finished = true;
          subscriber.complete();
        }
      };

      // Watch first, enqueue on `sync`: no event of the new task can be missed.
      const watching = this.backend.watch({ ids: [request.id] }, true).subscribe({
        next: (message) => {
          if (phase === 'snapshot') {
            if (message.type !== 'sync') {
              snapshot.push(message);
              return;
            }
            phase = 'enqueuing';
            subscriber.add(
              this.enqueue(request).subscribe({
                next: (result) => {
                  created = result.created;
                  phase = 'live';
                  // A replaced finished task (dedupe) left its events in the snapshot: drop them.
                  if (!created) snapshot.forEach(deliver);
                  buffered.splice(0).forEach(deliver);
                },
                error: (error: unknown) => subscriber.error(error),
              }),
            );
          } else if (message.type !== 'sync') {
            if (phase === 'enqueuing') buffered.push(message);
            else deliver(message);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          if (!finished) subscriber.error(createError('RXP_ERR_TASK_BACKEND', 'event stream ended'));
        },
      });
      subscriber.add(watching);
      return () => {
        if (created && !finished) this.backend.revoke(request.id, 'the client unsubscribed').subscribe({ error: () => undefined });
      };
    });
  }

  #jobInfo(job: Job, now: number): JobInfo {
    const overlap = job.options.can_overlap;
    const base = {
      name: job.name,
      ...(job.options.doc !== undefined ? { doc: job.options.doc } : {}),
      can_overlap: typeof overlap === 'function' ? ('maybe' as const) : (overlap ?? true),
      queue: job.options.queue ?? 'default',
    };
    if (!job.options.schedule) return { ...base, type: 'regular' };
    const schedule = compileSchedule(job.name, job.options.schedule);
    const stats = this.#periodic?.entry(job.name);
    return {
      ...base,
      type: 'periodic',
      next_run: stats?.next_run ?? schedule.next(now),
      ...(schedule.every !== undefined ? { run_every: schedule.every } : {}),
      ...(schedule.cron !== undefined ? { cron: schedule.cron, tz: schedule.tz } : {}),
      ...(stats ? { runs_count: stats.runs_count } : {}),
      ...(stats?.last_run !== undefined ? { last_run: stats.last_run } : {}),
    };
  }
}

/**
 * For waitForTask: turns watch messages into status events, or 'missing' when the snapshot
 * showed no such task.
 */
function scanPositions(): OperatorFunction<import('./types').WatchMessage, TaskEvent | 'missing'> {
  return (message$) =>
    new Observable<TaskEvent | 'missing'>((subscriber) => {
      let seen = false;
      return message$.subscribe({
        next: (message) => {
          if (message.type === 'sync') {
            if (!seen) subscriber.next('missing');
            return;
          }
          seen = true;
          subscriber.next(message);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

function validateRunOptions(options: TaskRunOptions): TaskRunOptions {
  const check = (key: keyof TaskRunOptions, ok: boolean, expected: string): void => {
    if (!ok) throw createError('RXP_ERR_INVALID_ARGUMENT', key, expected, options[key]);
  };
  const nonNegative = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const count = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  check('hard_time_limit', nonNegative(options.hard_time_limit), 'a number of ms >= 0');
  check('soft_time_limit', nonNegative(options.soft_time_limit), 'a number of ms >= 0');
  check('max_redeliveries', count(options.max_redeliveries), 'an integer >= 0');
  check('max_retries', count(options.max_retries), 'an integer >= 0');
  check('result_ttl', nonNegative(options.result_ttl) && options.result_ttl >= 1, 'a number of ms >= 1');
  check('retry_backoff', nonNegative(options.retry_backoff), 'a number >= 0');
  check('retry_delay', nonNegative(options.retry_delay), 'a number of ms >= 0');
  check('retry_max_delay', nonNegative(options.retry_max_delay), 'a number of ms >= 0');
  check('retry_jitter', typeof options.retry_jitter === 'boolean', 'a boolean');
  const out: Record<string, unknown> = {};
  for (const key of RUN_OPTION_KEYS) out[key] = options[key];
  return out as unknown as TaskRunOptions;
}
