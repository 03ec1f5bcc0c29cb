/**
 * The task queue's JSON-RPC methods (pulsar's `TaskQueueRpcMixin`), as a plain object for the
 * JSON-RPC app to expose by name. Each method takes its parameters by position
 * (`["addition", [1, 2]]`) or by name (`{"jobname": "addition", "args": [1, 2]}`) and returns a
 * Promise of plain JSON. Unknown jobs and bad parameters are catalog errors whose `rpcCode` is
 * -32602 Invalid params (pulsar answered -32603, inventory §11 item 16).
 */
import { firstValueFrom } from 'rxjs';
import { createError } from '../../lib/errors';
import type { JobInfo, NextScheduled, TaskQueueClient } from './client';
import { isTaskStatus, type TaskStatus } from './states';
import type { TaskFilter, TaskOptions, TaskRecord } from './types';

type Params = readonly unknown[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Named parameters when the call passed one object where the first parameter is not one. */
function named(params: Params, names: readonly string[]): Record<string, unknown> {
  if (params.length === 1 && isPlainObject(params[0])) return params[0];
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (params[i] !== undefined) out[name] = params[i];
  });
  return out;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw createError('RXP_ERR_INVALID_ARGUMENT', name, 'a non-empty string', value);
  return value;
}

function optionalNames(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw createError('RXP_ERR_INVALID_ARGUMENT', name, 'a job name or a list of job names', value);
}

function toFilter(raw: unknown): TaskFilter {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'filter', 'an object', raw);
  const allowed = ['ids', 'job', 'status', 'from_task', 'queue', 'limit'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'filter', `keys among ${allowed.join(', ')}`, key);
  }
  const statuses = raw.status === undefined ? [] : Array.isArray(raw.status) ? raw.status : [raw.status];
  for (const status of statuses) {
    if (!isTaskStatus(status)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'status', 'a task status', status);
  }
  if (raw.limit !== undefined && (!Number.isInteger(raw.limit) || (raw.limit as number) < 0)) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', 'limit', 'an integer >= 0', raw.limit);
  }
  return raw as TaskFilter;
}

/**
 * JSON-RPC handler object of a task queue.
 *
 * ## Example
 * ```ts
 * const rpc = new TaskQueueRpc(client);
 * await rpc.run_new_task('addition', [1, 2]);          // by position
 * await rpc.run_new_task({ jobname: 'addition', args: [1, 2] }); // by name
 * ```
 */
export class TaskQueueRpc {
  readonly #client: TaskQueueClient;

  constructor(client: TaskQueueClient) {
    this.#client = client;
  }

  /**
   * Queues a task: `(jobname, args?, options?)`; `meta_data` is accepted as pulsar's name for
   * `options`. Returns the task record; with `wait: true`, the final record.
   */
  async run_new_task(...params: Params): Promise<TaskRecord> {
    const p = named(params, ['jobname', 'args', 'options', 'wait']);
    const jobname = requireString(p.jobname, 'jobname');
    const args = p.args ?? [];
    if (!Array.isArray(args)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'args', 'an array', args);
    const options = p.options ?? p.meta_data ?? {};
    if (!isPlainObject(options)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'options', 'an object', options);
    const task = await firstValueFrom(this.#client.submit(jobname, args, options as TaskOptions));
    if (p.wait !== true) return task;
    return firstValueFrom(this.#client.waitForTask(task.id));
  }

  /** `(id)` → the task, or null. */
  async get_task(...params: Params): Promise<TaskRecord | null> {
    const p = named(params, ['id']);
    return firstValueFrom(this.#client.getTask(requireString(p.id, 'id')));
  }

  /** `(filter?)` or the filter's fields by name → matching tasks, oldest first. */
  async get_tasks(...params: Params): Promise<TaskRecord[]> {
    const filter = isPlainObject(params[0]) && isPlainObject(params[0].filter) ? params[0].filter : params[0];
    return firstValueFrom(this.#client.getTasks(toFilter(filter)));
  }

  /** `(id, timeout?)` → the final record once the task is done. */
  async wait_for_task(...params: Params): Promise<TaskRecord> {
    const p = named(params, ['id', 'timeout']);
    const timeout = p.timeout ?? 0;
    if (typeof timeout !== 'number' || timeout < 0) throw createError('RXP_ERR_INVALID_ARGUMENT', 'timeout', 'a number of ms >= 0', timeout);
    return firstValueFrom(this.#client.waitForTask(requireString(p.id, 'id'), { timeout }));
  }

  /** `(id, reason?)` → the status afterwards (REVOKED, or the end state it had reached). */
  async revoke_task(...params: Params): Promise<TaskStatus> {
    const p = named(params, ['id', 'reason']);
    const id = requireString(p.id, 'id');
    const status = await firstValueFrom(this.#client.revoke(id, typeof p.reason === 'string' ? p.reason : 'revoked'));
    if (status === null) throw createError('RXP_ERR_TASK_NOT_FOUND', id);
    return status;
  }

  /** `(jobnames?)` → the registered jobs. */
  async job_list(...params: Params): Promise<JobInfo[]> {
    const p = named(params, ['jobnames']);
    return firstValueFrom(this.#client.jobList(optionalNames(p.jobnames, 'jobnames')));
  }

  /** `(jobnames?)` → the periodic job due first, or null. */
  async next_scheduled_tasks(...params: Params): Promise<NextScheduled | null> {
    const p = named(params, ['jobnames']);
    return firstValueFrom(this.#client.nextScheduled(optionalNames(p.jobnames, 'jobnames')));
  }
}
