/**
 * Jobs: named functions the workers run. A job receives a {@link TaskContext} and the task's
 * arguments and returns a value, a Promise or an Observable (each value it emits is a partial
 * result; the last one is the task's result). Unlike pulsar there is no global auto-registry:
 * jobs are plain values collected in a {@link JobRegistry} that producers and workers load from
 * the same module (`--tasks-path`).
 */
import type { Observable, SchedulerLike } from 'rxjs';
import { createError } from '../../lib/errors';
import type { TaskEvent, TaskOptions, TaskRecord, TaskRunOptions } from './types';

/** A job, or its name. */
export type JobRef<A extends unknown[] = unknown[], R = unknown> = string | Job<A, R>;

/** What a job may return. */
export type JobResult<R> = R | PromiseLike<R> | Observable<R>;

/** What a running job can see and do. */
export interface TaskContext {
  /** The attempt being run (1 for the first delivery). */
  readonly attempt: number;
  readonly from_task?: string;
  readonly id: string;
  readonly job: string;
  /** Time source of the worker (virtual in tests). */
  readonly scheduler: SchedulerLike;
  /**
   * Aborts when the task is revoked, its lease is lost, the soft or hard time limit passes or
   * the worker stops; `signal.reason` is the catalog error saying which.
   */
  readonly signal: AbortSignal;
  /** The task as it was delivered. */
  readonly task: TaskRecord;
  /** Reports progress (stored on the task, sent to watchers as a `progress` event). */
  progress(value: unknown): void;
  /** Queues a child task (`from_task` = this task) and follows its events. */
  queue<A extends unknown[], R>(job: JobRef<A, R>, args: A, options?: TaskOptions): Observable<TaskEvent>;
  /** Queues a child task and emits its result (errors if it fails). */
  result<A extends unknown[], R>(job: JobRef<A, R>, args: A, options?: TaskOptions): Observable<R>;
  /** Queues a child task; emits its record once queued. */
  submit<A extends unknown[], R>(job: JobRef<A, R>, args: A, options?: TaskOptions): Observable<TaskRecord>;
}

/** When a periodic job runs: every `every` ms counted from `anchor`, or on a cron expression. */
export type JobSchedule =
  | {
      /** Slots are `anchor + k * every`; the default anchor (the epoch) aligns every host. */
      readonly anchor?: number | Date;
      /** Arguments of each run. @default [] */
      readonly args?: readonly unknown[];
      /** Period in ms. */
      readonly every: number;
    }
  | {
      readonly args?: readonly unknown[];
      /** A cron expression (5 or 6 fields, cron-parser syntax). */
      readonly cron: string;
      /** IANA timezone of the expression. @default 'UTC' */
      readonly tz?: string;
    };

/** Defaults of a job's tasks, plus what only the job can say. */
export interface JobOptions extends Partial<TaskRunOptions> {
  /**
   * false: identical requests share one task while it runs (pulsar's non-overlapping jobs);
   * a function decides from the arguments. @default true
   */
  readonly can_overlap?: boolean | ((...args: readonly unknown[]) => boolean);
  /** One paragraph for `job_list`. */
  readonly doc?: string;
  /** Expiry of its tasks in ms after queueing (pulsar's `Job.timeout`). */
  readonly expires?: number;
  readonly priority?: number;
  /** @default 'default' */
  readonly queue?: string;
  /** Decides whether a failure may be retried (within `max_retries`). @default () => true */
  readonly retry_on?: (error: unknown) => boolean;
  /** Makes the job periodic. */
  readonly schedule?: JobSchedule;
}

export interface Job<A extends unknown[] = unknown[], R = unknown> {
  readonly name: string;
  readonly options: JobOptions;
  // A method, not a property: registries hold jobs of any argument list (bivariant check).
  run(ctx: TaskContext, ...args: A): JobResult<R>;
}

/**
 * Defines a job.
 *
 * ## Example
 * ```ts
 * const add = defineJob('addition', (ctx, a: number, b: number) => a + b, { doc: 'Adds two numbers' });
 * client.result(add, [1, 2]).subscribe(console.log); // 3
 * ```
 */
export function defineJob<A extends unknown[], R>(
  name: string,
  run: (ctx: TaskContext, ...args: A) => JobResult<R>,
  options: JobOptions = {},
): Job<A, R> {
  if (typeof name !== 'string' || !/^[\w.:-]+$/.test(name)) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', 'job name', 'a word ([A-Za-z0-9_.:-])', name);
  }
  if (typeof run !== 'function') throw createError('RXP_ERR_INVALID_ARGUMENT', 'run', 'a function', typeof run);
  return { name, options, run };
}

/** The jobs a producer may queue and a worker can run. */
export class JobRegistry {
  readonly #jobs = new Map<string, Job>();

  constructor(jobs: Iterable<Job> = []) {
    for (const job of jobs) this.add(job);
  }

  /** Adds a job; a second job with the same name is an error. */
  add(job: Job): this {
    if (this.#jobs.has(job.name)) throw createError('RXP_ERR_DUPLICATE_JOB', job.name);
    this.#jobs.set(job.name, job);
    return this;
  }

  get(name: string): Job | undefined {
    return this.#jobs.get(name);
  }

  /** The job called `name`, or RXP_ERR_JOB_NOT_REGISTERED. */
  require(name: string): Job {
    const job = this.#jobs.get(name);
    if (!job) throw createError('RXP_ERR_JOB_NOT_REGISTERED', name);
    return job;
  }

  has(name: string): boolean {
    return this.#jobs.has(name);
  }

  /** Every job, in name order. */
  list(): Job[] {
    return [...this.#jobs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The jobs with a schedule. */
  periodic(): Job[] {
    return this.list().filter((job) => job.options.schedule !== undefined);
  }
}
