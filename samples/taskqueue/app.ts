/**
 * The task queue sample as building blocks (pulsar's examples/taskqueue): the task queue
 * application with pulsar's sample jobs, and an HTTP app that serves its JSON-RPC methods and a
 * page listing the tasks live. `index.ts` runs both; the showcase mounts the HTTP app under its
 * own path.
 *
 * ```
 * POST <base>             JSON-RPC 2.0: run_new_task, get_task, get_tasks, wait_for_task,
 *                         revoke_task, job_list, next_scheduled_tasks, ping, echo, server_info,
 *                         functions_list
 * GET  <base>events       text/event-stream: every task (snapshot), then every change
 * GET  <base>             the page
 * ```
 */
import { extname, join } from 'node:path';
import { concat, interval, map, merge, of } from 'rxjs';
import { RpcDispatcher, rpcHttpHandler, serverCommands } from 'rxpulsar/apps/rpc';
import { connectTaskQueue, TaskQueue, type TaskQueueClient, type TaskQueueOptions } from 'rxpulsar/apps/tasks';
import { reactive, type HttpApp } from 'rxpulsar/apps/wsgi';
import { HttpResponse, type HttpRequest } from 'rxpulsar/operators';
import { rpcResponse } from '../web/web-sample';
import { taskQueuePage } from './page';
import { taskQueueRpcMethods } from './rpc-methods';

/** The module of the sample's jobs (workers load it by path). */
export const JOBS_MODULE = join(__dirname, `jobs${extname(__filename)}`);

/** Name of the sample's task queue application (its monitor, its arbiter commands). */
export const TASK_QUEUE_NAME = 'taskqueue';

/**
 * The sample's task queue application: pulsar's sample jobs, whatever `--tasks-path` adds (give
 * it `argv`, `server`, ... as any Application). It shares the command line with the sample's HTTP
 * server: each application keeps the settings that are its own.
 */
export function taskQueueApplication(options: TaskQueueOptions = {}): TaskQueue {
  return new TaskQueue({ name: TASK_QUEUE_NAME, ...options, jobs: [JOBS_MODULE, ...(options.jobs ?? [])] });
}

export interface TaskQueueHttpAppOptions {
  /** Path the app is mounted at, for the page's links. @default '/' */
  readonly basePath?: string;
  /** A client; by default one is connected (on first use) to the task queue application `name`. */
  readonly client?: TaskQueueClient;
  /** Name of the task queue application to connect to. @default 'taskqueue' */
  readonly name?: string;
  /** Seconds between keep-alive comments on the event stream. @default 15 */
  readonly keepAlive?: number;
}

/**
 * The HTTP app of the sample: JSON-RPC on POST, the live task list on `GET <base>events`, the
 * page on any other GET. Routes look at the end of the path only, so the app answers the same
 * whether a mounting router strips its prefix or not.
 */
export function taskQueueHttpApp(options: TaskQueueHttpAppOptions = {}): HttpApp {
  let connecting: Promise<TaskQueueClient> | undefined;
  const client = (): Promise<TaskQueueClient> => {
    if (options.client) return Promise.resolve(options.client);
    connecting ??= connectTaskQueue({ name: options.name ?? TASK_QUEUE_NAME });
    connecting.catch(() => (connecting = undefined));
    return connecting;
  };
  const dispatcher = new RpcDispatcher([taskQueueRpcMethods(client), serverCommands()]);
  const rpc = rpcHttpHandler(dispatcher);
  const page = taskQueuePage(options.basePath ?? '/');
  const keepAlive = (options.keepAlive ?? 15) * 1000;

  return reactive(async (request: HttpRequest) => {
    if (request.method === 'POST') return rpcResponse(rpc, request);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new HttpResponse('Method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD, POST', 'content-type': 'text/plain' } });
    }
    if (request.path.endsWith('/events')) {
      const tasks = await client();
      // The client going away unsubscribes the body: the watch on the backend ends with it.
      const body$ = concat(
        of(': task events\n\n'),
        merge(
          tasks.tasks$().pipe(map((event) => `data: ${JSON.stringify(event)}\n\n`)),
          interval(keepAlive).pipe(map(() => ': keep-alive\n\n')),
        ),
      );
      return new HttpResponse(body$, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
    }
    return HttpResponse.html(page);
  });
}
