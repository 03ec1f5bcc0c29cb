/**
 * Queues periodic jobs when their slots come (pulsar's `Scheduler.tick`, on a timer instead of
 * a check in every monitor loop).
 *
 * ```
 * every 10 s:  ----------s1---------s2---------s3-->   (s = one task per slot)
 * ```
 *
 * Each slot is queued with the id `<job>@<slot time>` and the slot time recorded by the backend,
 * so several schedulers (one per host, or a restarted one) queue every slot once. Missed slots
 * (the process was down) are not replayed: the latest one runs, as Celery beat does.
 */
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { TaskQueueClient } from './client';
import type { Job, JobRegistry } from './job';
import { compileSchedule, type CompiledSchedule } from './schedule';

export interface PeriodicSchedulerOptions {
  readonly client: TaskQueueClient;
  /** @default client.registry */
  readonly registry?: JobRegistry;
  /** @default client.scheduler */
  readonly scheduler?: SchedulerLike;
  /** Called when queueing a slot fails (the slot is skipped; the next one is tried). */
  readonly onError?: (error: unknown, job: string) => void;
}

/** Run statistics of one periodic job. */
export interface PeriodicEntry {
  readonly job: string;
  readonly next_run: number;
  readonly runs_count: number;
  readonly last_run?: number;
}

interface Entry {
  readonly job: Job;
  readonly schedule: CompiledSchedule;
  next_run: number;
  runs_count: number;
  last_run?: number;
}

export class PeriodicScheduler {
  readonly #client: TaskQueueClient;
  readonly #scheduler: SchedulerLike;
  readonly #entries: Entry[];
  readonly #onError: (error: unknown, job: string) => void;
  #timer?: Subscription;
  #running = false;

  constructor(options: PeriodicSchedulerOptions) {
    this.#client = options.client;
    this.#scheduler = options.scheduler ?? options.client.scheduler ?? asyncScheduler;
    this.#onError = options.onError ?? (() => undefined);
    const registry = options.registry ?? options.client.registry;
    const now = this.#scheduler.now();
    this.#entries = (registry?.periodic() ?? []).map((job) => {
      const schedule = compileSchedule(job.name, job.options.schedule as NonNullable<Job['options']['schedule']>);
      return { job, schedule, next_run: schedule.next(now), runs_count: 0 };
    });
  }

  /** Starts the timer (idempotent). */
  start(): this {
    if (this.#running) return this;
    this.#running = true;
    const now = this.#scheduler.now();
    for (const entry of this.#entries) entry.next_run = entry.schedule.next(now);
    this.#arm();
    return this;
  }

  stop(): void {
    this.#running = false;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
  }

  /** Statistics of every periodic job. */
  entries(): PeriodicEntry[] {
    return this.#entries.map((e) => this.#view(e));
  }

  entry(job: string): PeriodicEntry | undefined {
    const found = this.#entries.find((e) => e.job.name === job);
    return found && this.#view(found);
  }

  #view(e: Entry): PeriodicEntry {
    return { job: e.job.name, next_run: e.next_run, runs_count: e.runs_count, ...(e.last_run !== undefined ? { last_run: e.last_run } : {}) };
  }

  #arm(): void {
    this.#timer?.unsubscribe();
    if (!this.#running || this.#entries.length === 0) return;
    const due = Math.min(...this.#entries.map((e) => e.next_run));
    this.#timer = this.#scheduler.schedule(() => this.#tick(), Math.max(0, due - this.#scheduler.now()));
  }

  #tick(): void {
    const now = this.#scheduler.now();
    for (const entry of this.#entries) {
      if (entry.next_run > now) continue; // a timer may fire early by a millisecond
      const slot = entry.schedule.latest(now) ?? entry.next_run;
      entry.next_run = entry.schedule.next(now);
      this.#queue(entry, slot);
    }
    this.#arm();
  }

  #queue(entry: Entry, slot: number): void {
    const name = entry.job.name;
    try {
      const args = [...(entry.job.options.schedule?.args ?? [])];
      const request = { ...this.#client.prepare(entry.job, args, { id: `${name}@${slot}` }), mode: 'if_absent' as const, slot };
      this.#client.enqueue(request).subscribe({
        next: (result) => {
          if (!result.created) return; // another scheduler queued this slot
          entry.runs_count += 1;
          entry.last_run = slot;
        },
        error: (error: unknown) => this.#onError(error, name),
      });
    } catch (error) {
      this.#onError(error, name);
    }
  }
}
