/**
 * The data of the task queue. Everything here is plain JSON: it crosses processes, the actor
 * mailbox, Redis and JSON-RPC unchanged, so field names are snake_case like pulsar's and every
 * time is a number of milliseconds (durations) or milliseconds since the epoch (instants).
 */
import type { SerializedError } from '../../lib/errors';
import type { TaskStatus } from './states';

/** What the engine needs to run an attempt; fixed when the task is queued. */
export interface TaskRunOptions {
  /** Lease losses (dead or hung worker) tolerated before the task fails with RXP_ERR_TASK_LOST. @default 3 */
  readonly max_redeliveries: number;
  /** Failures retried before the task ends in FAILURE. @default 0 */
  readonly max_retries: number;
  /** Milliseconds a finished task's record (and result) is kept. @default 86_400_000 */
  readonly result_ttl: number;
  /** Exponential factor between retry delays. @default 2 */
  readonly retry_backoff: number;
  /** Delay before the first retry, in ms. @default 1000 */
  readonly retry_delay: number;
  /** "Full jitter": each retry delay is drawn uniformly from [0, delay]. @default true */
  readonly retry_jitter: boolean;
  /** Cap on a retry delay, in ms. @default 600_000 */
  readonly retry_max_delay: number;
  /** After this many ms the job is failed, its worker reported for replacement. 0 = none. @default 0 */
  readonly hard_time_limit: number;
  /** After this many ms `ctx.signal` aborts (reason RXP_ERR_TASK_SOFT_TIME_LIMIT). 0 = none. @default 0 */
  readonly soft_time_limit: number;
}

/** One task as stored by a backend. */
export interface TaskRecord {
  readonly id: string;
  readonly job: string;
  readonly args: readonly unknown[];
  readonly queue: string;
  readonly status: TaskStatus;
  /** Higher runs first; an integer from -1000 to 1000. */
  readonly priority: number;
  /** The task that queued this one (lineage of child tasks). */
  readonly from_task?: string;
  /** Deliveries so far (0 until a worker first receives it). */
  readonly attempt: number;
  /** Failures retried so far. */
  readonly retries: number;
  /** Leases lost so far (worker died or hung). */
  readonly redeliveries: number;
  /** Worker holding (or that last held) the task. */
  readonly worker?: string;
  readonly time_queued: number;
  /** Not to be delivered before this time. */
  readonly eta?: number;
  /** Not started by this time → REVOKED (RXP_ERR_TASK_EXPIRED). */
  readonly expiry?: number;
  readonly time_received?: number;
  readonly time_started?: number;
  readonly time_ended?: number;
  /** Last value given to `ctx.progress()`. */
  readonly progress?: unknown;
  readonly result?: unknown;
  readonly error?: SerializedError;
  readonly options: TaskRunOptions;
}

/** Options of one `queue()` call; unset fields come from the job, then from the engine defaults. */
export interface TaskOptions extends Partial<TaskRunOptions> {
  /**
   * `false`: identical requests (same job and arguments) share one task while it is not done
   * (pulsar's non-overlapping jobs). Overrides the job's setting.
   */
  readonly can_overlap?: boolean;
  /** Delay before the task may be delivered, in ms (ignored when `eta` is set). */
  readonly delay?: number;
  /** Earliest delivery time (ms since epoch or Date). */
  readonly eta?: number | Date;
  /** Expiry: ms after queueing, or an absolute Date. */
  readonly expires?: number | Date;
  /** Lineage: the parent task (set for you by `ctx.queue`). */
  readonly from_task?: string;
  /** An explicit task id; a second request with the same id returns the first while it is not done. */
  readonly id?: string;
  /** Higher runs first (-1000..1000). @default 0 */
  readonly priority?: number;
  /** Named queue; workers pull from the queues they are given. @default 'default' */
  readonly queue?: string;
}

/** Selects tasks: every given field must match; an array matches any of its values. */
export interface TaskFilter {
  readonly from_task?: string | readonly string[];
  readonly ids?: readonly string[];
  readonly job?: string | readonly string[];
  /** At most this many tasks (oldest first). */
  readonly limit?: number;
  readonly queue?: string | readonly string[];
  readonly status?: TaskStatus | readonly TaskStatus[];
}

/**
 * A change in a task's life. `status` events carry the new status (and the result or error
 * when it is an end state); `progress` events carry `ctx.progress()` values; `partial` events
 * carry each value an Observable job emits (the last one becomes the result).
 */
export interface TaskEvent {
  readonly type: 'status' | 'progress' | 'partial';
  readonly id: string;
  readonly job: string;
  readonly status: TaskStatus;
  readonly attempt: number;
  readonly time: number;
  readonly from_task?: string;
  readonly queue?: string;
  readonly worker?: string;
  readonly progress?: unknown;
  readonly value?: unknown;
  readonly result?: unknown;
  readonly error?: SerializedError;
}

/** `watch()` emits a snapshot of matching tasks, then `{ type: 'sync' }`, then live events. */
export type WatchMessage = TaskEvent | { readonly type: 'sync' };
