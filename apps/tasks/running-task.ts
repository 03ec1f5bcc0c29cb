/**
 * One attempt being run by a worker, and the `ctx` its job receives. A class rather than a
 * fresh object of closures per task: the worker's hot path is allocation-light (a no-op job
 * costs a few microseconds in total), and the AbortController — the most expensive part — is
 * only made when the job looks at `ctx.signal`.
 * @internal
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import type { TaskUpdate } from './backend';
import type { TaskQueueClient } from './client';
import type { Job, JobRef, TaskContext } from './job';
import type { TaskEvent, TaskOptions, TaskRecord } from './types';

/** What a running task needs from its worker. */
export interface TaskHost {
  readonly client: TaskQueueClient;
  readonly scheduler: SchedulerLike;
  report(update: TaskUpdate): void;
}

export class RunningTask implements TaskContext {
  readonly task: TaskRecord;
  readonly job: string;
  readonly definition: Job;
  readonly #host: TaskHost;
  #controller?: AbortController;
  #reason?: Error;
  /** Time-limit timers and the job's subscription, torn down when the attempt ends. */
  readonly teardown: Subscription[] = [];
  /** Last value the job produced (its result once it completes). */
  last: unknown = null;
  done = false;

  constructor(task: TaskRecord, definition: Job, host: TaskHost) {
    this.task = task;
    this.job = task.job;
    this.definition = definition;
    this.#host = host;
  }

  get id(): string {
    return this.task.id;
  }

  get attempt(): number {
    return this.task.attempt;
  }

  get from_task(): string | undefined {
    return this.task.from_task;
  }

  get scheduler(): SchedulerLike {
    return this.#host.scheduler;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts `ctx.signal` with `reason` (once). */
  abort(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  progress(value: unknown): void {
    if (!this.done) this.#host.report({ type: 'progress', id: this.task.id, attempt: this.task.attempt, progress: value === undefined ? null : value });
  }

  queue<A extends unknown[], R>(job: JobRef<A, R>, args: A, options?: TaskOptions): Observable<TaskEvent> {
    return this.#host.client.queue(job, args, { ...options, from_task: this.task.id });
  }

  result<A extends unknown[], R>(job: JobRef<A, R>, args: A, options?: TaskOptions): Observable<R> {
    return this.#host.client.result(job, args, { ...options, from_task: this.task.id });
  }

  submit<A extends unknown[], R>(job: JobRef<A, R>, args: A, options?: TaskOptions): Observable<TaskRecord> {
    return this.#host.client.submit(job, args, { ...options, from_task: this.task.id });
  }
}
