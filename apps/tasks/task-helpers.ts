/**
 * Pure helpers shared by the backends and the client: filters, events built from records,
 * defaults. No I/O here.
 * @internal
 */
import { createError, serializeError, type SerializedError } from '../../lib/errors';
import type { EnqueueRequest } from './backend';
import { isDone, type TaskStatus } from './states';
import type { TaskEvent, TaskFilter, TaskRecord, TaskRunOptions } from './types';

export const DEFAULT_RUN_OPTIONS: TaskRunOptions = {
  hard_time_limit: 0,
  max_redeliveries: 3,
  max_retries: 0,
  result_ttl: 86_400_000,
  retry_backoff: 2,
  retry_delay: 1000,
  retry_jitter: true,
  retry_max_delay: 600_000,
  soft_time_limit: 0,
};

export const MIN_PRIORITY = -1000;
export const MAX_PRIORITY = 1000;

function matchOne<T>(wanted: T | readonly T[] | undefined, value: T | undefined): boolean {
  if (wanted === undefined) return true;
  if (Array.isArray(wanted)) return value !== undefined && (wanted as readonly T[]).includes(value);
  return wanted === value;
}

/** Every given field of the filter matches (AND); an array field matches any of its values (OR). */
export function matchesFilter(
  item: Pick<TaskRecord, 'id' | 'job' | 'status' | 'from_task'> & { readonly queue?: string },
  filter: TaskFilter,
): boolean {
  return (
    (filter.ids === undefined || filter.ids.includes(item.id)) &&
    matchOne(filter.job, item.job) &&
    matchOne(filter.status, item.status) &&
    matchOne(filter.from_task, item.from_task) &&
    (filter.queue === undefined || item.queue === undefined || matchOne(filter.queue, item.queue))
  );
}

/** The fields every event about `task` carries, at `time`. */
export function eventBase(task: TaskRecord, time: number): Omit<TaskEvent, 'type'> {
  return {
    id: task.id,
    job: task.job,
    status: task.status,
    attempt: task.attempt,
    time,
    queue: task.queue,
    ...(task.from_task !== undefined ? { from_task: task.from_task } : {}),
    ...(task.worker !== undefined ? { worker: task.worker } : {}),
  };
}

/** The `status` event that describes a record as it is now: live events (at `time`) and watch snapshots. */
export function eventFromRecord(task: TaskRecord, time: number = task.time_ended ?? task.time_started ?? task.time_received ?? task.time_queued): TaskEvent {
  return {
    type: 'status',
    ...eventBase(task, time),
    ...(task.status === 'SUCCESS' ? { result: task.result } : {}),
    // A retry carries the error that caused it, as a final failure does.
    ...(task.error !== undefined && (isDone(task.status) || task.status === 'RETRY') ? { error: task.error } : {}),
  };
}

/** The record of a task just created from `request`. */
export function recordFromRequest(request: EnqueueRequest): TaskRecord {
  return {
    id: request.id,
    job: request.job,
    args: request.args,
    queue: request.queue,
    status: 'PENDING',
    priority: request.priority,
    ...(request.from_task !== undefined ? { from_task: request.from_task } : {}),
    attempt: 0,
    retries: 0,
    redeliveries: 0,
    time_queued: request.time_queued,
    ...(request.eta !== undefined ? { eta: request.eta } : {}),
    ...(request.expiry !== undefined ? { expiry: request.expiry } : {}),
    options: request.options,
  };
}

/** Oldest first, then by id, so listings are stable across backends. */
export function compareRecords(a: TaskRecord, b: TaskRecord): number {
  return a.time_queued - b.time_queued || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function expiredError(task: Pick<TaskRecord, 'id' | 'job'>): SerializedError {
  return serializeError(createError('RXP_ERR_TASK_EXPIRED', task.id, task.job), false);
}

export function revokedError(task: Pick<TaskRecord, 'id' | 'job'>, reason: string): SerializedError {
  return serializeError(createError('RXP_ERR_TASK_REVOKED', task.id, task.job, reason), false);
}

export function lostError(task: Pick<TaskRecord, 'id' | 'job'>, times: number): SerializedError {
  return serializeError(createError('RXP_ERR_TASK_LOST', task.id, task.job, times), false);
}

/** Statuses a waiting (not delivered) task can have. */
export function isWaiting(status: TaskStatus): boolean {
  return status === 'PENDING' || status === 'RETRY';
}
