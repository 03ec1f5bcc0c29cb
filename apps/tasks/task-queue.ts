/**
 * One-process assembly of the engine: a backend, a client, a periodic scheduler and a consumer.
 * The actor application (arbiter holding the embedded backend, workers consuming through the
 * mailbox) wires the same pieces across processes; this is for scripts, samples and tests.
 */
import { interval, type SchedulerLike, type Subscription } from 'rxjs';
import type { TaskBackend } from './backend';
import { TaskQueueClient } from './client';
import { TaskConsumer } from './consumer';
import { EmbeddedTaskBackend } from './embedded-backend';
import type { Backpressure } from './enqueue-batcher';
import { JobRegistry, type Job } from './job';
import { PeriodicScheduler } from './periodic-scheduler';
import { RedisTaskBackend } from './redis-backend';
import { TaskQueueRpc } from './rpc';
import type { TaskRunOptions } from './types';

/** A backend from a `--task-backend` value: `embedded` or `redis://host:port/db`. */
export function createBackend(url: string, options: { readonly prefix?: string; readonly scheduler?: SchedulerLike } = {}): TaskBackend {
  if (url === 'embedded') return new EmbeddedTaskBackend({ scheduler: options.scheduler });
  return new RedisTaskBackend({ url, prefix: options.prefix, scheduler: options.scheduler });
}

/**
 * Runs `backend.maintain()` every `period` ms (redeliver expired leases, revoke expired tasks,
 * drop old results) — for the process that holds an embedded backend, so that this happens
 * even while every worker is busy or gone. Unsubscribe to stop.
 */
export function startMaintenance(backend: TaskBackend, period = 1000, scheduler?: SchedulerLike): Subscription {
  return interval(period, scheduler).subscribe(() => backend.maintain().subscribe({ error: () => undefined }));
}

export interface LocalTaskQueueOptions {
  /** A backend, or a `--task-backend` value. @default 'embedded' */
  readonly backend?: TaskBackend | string;
  readonly backpressure?: Backpressure;
  /** Run a consumer in this process. @default true */
  readonly consume?: boolean;
  readonly concurrency?: number;
  readonly defaults?: Partial<TaskRunOptions>;
  readonly high_water_mark?: number;
  readonly jobs: JobRegistry | Iterable<Job>;
  readonly lease?: number;
  /** Run the periodic scheduler in this process. @default true */
  readonly periodic?: boolean;
  readonly queues?: readonly string[];
  readonly random?: () => number;
  readonly scheduler?: SchedulerLike;
  readonly worker?: string;
}

export interface LocalTaskQueue {
  readonly backend: TaskBackend;
  readonly client: TaskQueueClient;
  readonly consumer?: TaskConsumer;
  readonly periodic?: PeriodicScheduler;
  readonly registry: JobRegistry;
  readonly rpc: TaskQueueRpc;
  /** Stops the scheduler and consumer (running tasks get `timeout` ms) and closes the backend. */
  close(timeout?: number): Promise<void>;
}

/**
 * Builds and starts a task queue in this process.
 *
 * ## Example
 * ```ts
 * const tq = createTaskQueue({ jobs: [defineJob('addition', (ctx, a: number, b: number) => a + b)] });
 * tq.client.result('addition', [1, 2]).subscribe(console.log); // 3
 * ```
 */
export function createTaskQueue(options: LocalTaskQueueOptions): LocalTaskQueue {
  const registry = options.jobs instanceof JobRegistry ? options.jobs : new JobRegistry(options.jobs);
  const backend =
    typeof options.backend === 'object' ? options.backend : createBackend(options.backend ?? 'embedded', { scheduler: options.scheduler });
  const client = new TaskQueueClient({
    backend,
    registry,
    scheduler: options.scheduler,
    defaults: options.defaults,
    high_water_mark: options.high_water_mark,
    backpressure: options.backpressure,
  });
  const periodic = options.periodic === false ? undefined : new PeriodicScheduler({ client }).start();
  if (periodic) client.attachPeriodic(periodic);
  const consumer =
    options.consume === false
      ? undefined
      : new TaskConsumer({
          backend,
          registry,
          client,
          concurrency: options.concurrency,
          lease: options.lease,
          queues: options.queues,
          random: options.random,
          scheduler: options.scheduler,
          worker: options.worker,
        }).start();
  let closed: Promise<void> | undefined;
  return {
    backend,
    client,
    consumer,
    periodic,
    registry,
    rpc: new TaskQueueRpc(client),
    close(timeout = 5000) {
      closed ??= (async () => {
        periodic?.stop();
        if (consumer) {
          await new Promise<void>((resolve) => consumer.stop({ timeout }).subscribe({ complete: resolve, error: () => resolve() }));
        }
        if (typeof options.backend !== 'object') await backend.close();
      })();
      return closed;
    },
  };
}
