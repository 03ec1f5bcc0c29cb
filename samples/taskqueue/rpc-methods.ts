/**
 * The task queue's JSON-RPC methods (pulsar's `TaskQueueRpcMixin`) as a handler tree for
 * `rxpulsar/apps/rpc`, with declared signatures: params by position or by name, as pulsar's
 * clients send them (`run_new_task(jobname="addition", args=[40, 50])`,
 * `get_tasks(from_task=...)`), checked by the dispatcher (−32602 on a bad call).
 */
import { rpcMethod } from 'rxpulsar/apps/rpc';
import { TaskQueueRpc, type JobInfo, type NextScheduled, type TaskFilter, type TaskQueueClient, type TaskRecord, type TaskStatus } from 'rxpulsar/apps/tasks';

/** A client now, or one being connected (the workers of an HTTP app connect on first use). */
export type ClientSource = TaskQueueClient | (() => Promise<TaskQueueClient>);

const section = 'tasks';
const names = 'jobnames?: array|string|null';

/**
 * The methods: `run_new_task`, `get_task`, `get_tasks`, `wait_for_task`, `revoke_task`,
 * `job_list`, `next_scheduled_tasks`.
 */
export function taskQueueRpcMethods(source: ClientSource): Record<string, (...args: never[]) => unknown> {
  let rpc: Promise<TaskQueueRpc> | undefined;
  const tq = (): Promise<TaskQueueRpc> => {
    rpc ??= (typeof source === 'function' ? source() : Promise.resolve(source)).then((client) => new TaskQueueRpc(client));
    // A failed connection is tried again by the next call.
    rpc.catch(() => (rpc = undefined));
    return rpc;
  };
  return {
    run_new_task: rpcMethod(
      {
        params: ['jobname: string', 'args?: array|null', 'options?: object|null', 'wait?: boolean|null', 'meta_data?: object|null'],
        doc: 'Queues a task; returns its record (the final one with wait=true). options: expires, eta, delay, priority, queue, max_retries, hard_time_limit, ...; meta_data is pulsar\'s name for options.',
        section,
      },
      async (jobname: string, args?: unknown[] | null, options?: object | null, wait?: boolean | null, meta_data?: object | null): Promise<TaskRecord> =>
        (await tq()).run_new_task({ jobname, args: args ?? [], options: options ?? meta_data ?? {}, wait: wait === true }),
    ),
    get_task: rpcMethod({ params: ['id: string'], doc: 'The task with this id, or null.', section }, async (id: string) => (await tq()).get_task(id)),
    get_tasks: rpcMethod(
      {
        params: ['ids?: array|null', 'job?: string|array|null', 'status?: string|array|null', 'from_task?: string|array|null', 'queue?: string|array|null', 'limit?: integer|null'],
        doc: 'Tasks matching every given field (an array matches any of its values), oldest first.',
        section,
      },
      async (ids?: string[] | null, job?: string | string[] | null, status?: TaskStatus | TaskStatus[] | null, from_task?: string | string[] | null, queue?: string | string[] | null, limit?: number | null) => {
        const given = Object.entries({ ids, job, status, from_task, queue, limit }).filter(([, v]) => v !== undefined && v !== null);
        return (await tq()).get_tasks(Object.fromEntries(given) as TaskFilter);
      },
    ),
    wait_for_task: rpcMethod(
      { params: ['id: string', 'timeout?: number|null'], doc: 'The final record of the task once it is done (timeout in ms, 0 = none).', section },
      async (id: string, timeout?: number | null): Promise<TaskRecord> => (await tq()).wait_for_task(id, timeout ?? 0),
    ),
    revoke_task: rpcMethod(
      { params: ['id: string', 'reason?: string|null'], doc: 'Revokes a task wherever it is; returns its status afterwards.', section },
      async (id: string, reason?: string | null): Promise<TaskStatus> => (await tq()).revoke_task(id, reason ?? 'revoked'),
    ),
    job_list: rpcMethod({ params: [names], doc: 'The registered jobs, with their schedules.', section }, async (jobnames?: string[] | string | null): Promise<JobInfo[]> =>
      (await tq()).job_list(jobnames ?? undefined),
    ),
    next_scheduled_tasks: rpcMethod(
      { params: [names], doc: 'The periodic job due first, or null.', section },
      async (jobnames?: string[] | string | null): Promise<NextScheduled | null> => (await tq()).next_scheduled_tasks(jobnames ?? undefined),
    ),
  };
}
