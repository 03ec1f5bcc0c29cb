/**
 * The embedded task backend: every task in this process's memory.
 *
 * In an application it lives in the arbiter process, which outlives its workers: a worker that
 * crashes loses its leases, not its tasks. Workers reach it through `createRemoteBackend` over
 * the actor mailbox; single-process programs and tests use it directly. Each method is
 * synchronous under its Observable, so virtual-time tests drive it with a TestScheduler.
 */
import { asyncScheduler, defer, Observable, of, Subject, type SchedulerLike } from 'rxjs';
import { createError } from '../../lib/errors';
import type {
  BackendSignal,
  BackendStats,
  ClaimReply,
  ClaimRequest,
  EnqueueLimits,
  EnqueueReply,
  EnqueueRequest,
  EnqueueResult,
  ReportReply,
  ReportRequest,
  TaskBackend,
  TaskUpdate,
} from './backend';
import { PriorityHeap } from './priority-heap';
import { isDone, type TaskStatus } from './states';
import {
  compareRecords,
  eventBase,
  eventFromRecord,
  expiredError,
  isWaiting,
  lostError,
  matchesFilter,
  recordFromRequest,
  revokedError,
} from './task-helpers';
import type { TaskEvent, TaskFilter, TaskRecord, WatchMessage } from './types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Stored {
  record: Mutable<TaskRecord>;
  /** Changes whenever the task enters a queue: heap entries with another seq are stale. */
  seq: number;
  /** Lease expiry while a worker holds it. */
  lease_until?: number;
  /** When the finished record is dropped. */
  drop_at?: number;
}

interface QueueEntry {
  readonly id: string;
  readonly seq: number;
  readonly priority: number;
}

interface TimedEntry {
  readonly id: string;
  readonly seq: number;
  readonly at: number;
}

export interface EmbeddedBackendOptions {
  /** Time source, ms since epoch. @default () => scheduler.now() */
  readonly clock?: () => number;
  /** Only used for the default clock. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

const byTime = (a: TimedEntry, b: TimedEntry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
const byPriority = (a: QueueEntry, b: QueueEntry): boolean => a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);

/** In-memory {@link TaskBackend}; see the module comment. */
export class EmbeddedTaskBackend implements TaskBackend {
  readonly #now: () => number;
  readonly #tasks = new Map<string, Stored>();
  readonly #ready = new Map<string, PriorityHeap<QueueEntry>>();
  readonly #readyIds = new Set<string>();
  readonly #delayed = new PriorityHeap<TimedEntry>(byTime);
  readonly #delayedIds = new Set<string>();
  readonly #expiring = new PriorityHeap<TimedEntry>(byTime);
  readonly #dropping = new PriorityHeap<TimedEntry>(byTime);
  /** Lease ends of running tasks; an entry is stale once the task ended or renewed its lease. */
  readonly #leases = new PriorityHeap<TimedEntry>(byTime);
  readonly #active = new Map<string, Stored>();
  readonly #children = new Map<string, Set<string>>();
  readonly #slots = new Map<string, number>();
  readonly #events = new Subject<TaskEvent>();
  readonly #signals = new Subject<BackendSignal>();
  #seq = 0;
  #closed = false;

  constructor(options: EmbeddedBackendOptions = {}) {
    const scheduler = options.scheduler ?? asyncScheduler;
    this.#now = options.clock ?? (() => scheduler.now());
  }

  enqueue(requests: readonly EnqueueRequest[], limits: EnqueueLimits): Observable<EnqueueReply> {
    return this.#sync(() => {
      const waiting = this.#readyIds.size + this.#delayedIds.size;
      if (limits.high_water_mark > 0 && waiting >= limits.high_water_mark) return { accepted: false, waiting };
      const now = this.#now();
      const results: EnqueueResult[] = [];
      const woken = new Set<string>();
      for (const request of requests) {
        const existing = this.#tasks.get(request.id);
        if (existing && (request.mode !== 'dedupe' || !isDone(existing.record.status))) {
          results.push({ id: request.id, created: false, status: existing.record.status });
          continue;
        }
        if (request.slot !== undefined) {
          const last = this.#slots.get(request.job);
          if (last !== undefined && last >= request.slot) {
            results.push({ id: request.id, created: false, status: existing?.record.status ?? null });
            continue;
          }
          this.#slots.set(request.job, request.slot);
        }
        if (existing) this.#drop(existing);
        const stored: Stored = { record: recordFromRequest(request) as Mutable<TaskRecord>, seq: 0 };
        this.#tasks.set(request.id, stored);
        if (request.from_task !== undefined) {
          let kids = this.#children.get(request.from_task);
          if (!kids) this.#children.set(request.from_task, (kids = new Set()));
          kids.add(request.id);
        }
        if (request.expiry !== undefined) this.#expiring.push({ id: request.id, seq: 0, at: request.expiry });
        if (request.eta !== undefined && request.eta > now) this.#toDelayed(stored, request.eta);
        else if (this.#toReady(stored)) woken.add(request.queue);
        this.#emit(stored.record, now);
        results.push({ id: request.id, created: true, status: 'PENDING' });
      }
      for (const queue of woken) this.#signals.next({ type: 'wake', queue });
      return { accepted: true, results };
    });
  }

  claim(request: ClaimRequest): Observable<ClaimReply> {
    return this.#sync(() => {
      const now = this.#now();
      this.#housekeep(now);
      const tasks: TaskRecord[] = [];
      for (const queue of request.queues) {
        const heap = this.#ready.get(queue);
        while (heap && tasks.length < request.max) {
          const entry = heap.pop();
          if (!entry) break;
          const stored = this.#tasks.get(entry.id);
          if (!stored || stored.seq !== entry.seq || !isWaiting(stored.record.status)) continue;
          this.#readyIds.delete(entry.id);
          const task = stored.record;
          if (task.expiry !== undefined && task.expiry <= now) {
            this.#finish(stored, 'REVOKED', now, { error: expiredError(task) });
            continue;
          }
          task.status = 'RECEIVED';
          task.attempt += 1;
          task.worker = request.worker;
          task.time_received = now;
          this.#lease(stored, now + request.lease);
          this.#active.set(task.id, stored);
          this.#emit(task, now);
          tasks.push({ ...task });
        }
      }
      const next = this.#peekLive(this.#delayed);
      return next ? { tasks, next_due: next.at } : { tasks };
    });
  }

  report(request: ReportRequest): Observable<ReportReply> {
    return this.#sync(() => {
      const now = this.#now();
      const lost = new Set<string>();
      for (const update of request.updates) {
        if (!this.#apply(update, request.lease, now)) lost.add(update.id);
      }
      return { lost: [...lost] };
    });
  }

  revoke(id: string, reason = 'revoked'): Observable<TaskStatus | null> {
    return this.#sync(() => {
      const stored = this.#tasks.get(id);
      if (!stored) return null;
      const task = stored.record;
      if (isDone(task.status)) return task.status;
      const wasRunning = this.#active.has(id);
      this.#finish(stored, 'REVOKED', this.#now(), { error: revokedError(task, reason) });
      if (wasRunning) this.#signals.next({ type: 'revoke', id });
      return task.status;
    });
  }

  releaseWorker(worker: string): Observable<number> {
    return this.#sync(() => {
      const now = this.#now();
      let count = 0;
      for (const stored of [...this.#active.values()]) {
        if (stored.record.worker === worker) {
          this.#redeliver(stored, now);
          count++;
        }
      }
      return count;
    });
  }

  get(id: string): Observable<TaskRecord | null> {
    return this.#sync(() => {
      const stored = this.#live(id);
      return stored ? { ...stored.record } : null;
    });
  }

  query(filter: TaskFilter): Observable<TaskRecord[]> {
    return this.#sync(() => this.#query(filter));
  }

  watch(filter: TaskFilter, snapshot: boolean): Observable<WatchMessage> {
    return new Observable<WatchMessage>((subscriber) => {
      if (this.#closed) {
        subscriber.error(createError('RXP_ERR_TASK_BACKEND', 'embedded backend closed'));
        return undefined;
      }
      // Subscribing before taking the snapshot leaves no gap: everything is synchronous here.
      const subscription = this.#events.subscribe({
        next: (event) => {
          if (matchesFilter(event, filter)) subscriber.next(event);
        },
        complete: () => subscriber.complete(),
      });
      if (snapshot) for (const task of this.#query(filter)) subscriber.next(eventFromRecord(task));
      subscriber.next({ type: 'sync' });
      return subscription;
    });
  }

  signals(): Observable<BackendSignal> {
    return this.#signals.asObservable();
  }

  maintain(): Observable<void> {
    return this.#sync(() => this.#housekeep(this.#now()));
  }

  stats(): Observable<BackendStats> {
    return this.#sync(() => ({ ready: this.#readyIds.size, delayed: this.#delayedIds.size, active: this.#active.size }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.complete();
    this.#signals.complete();
  }

  /** Number of task records held (tests, `info`). */
  get size(): number {
    return this.#tasks.size;
  }

  // --- internals ---------------------------------------------------------------------------------

  #sync<T>(work: () => T): Observable<T> {
    return defer(() => {
      if (this.#closed) throw createError('RXP_ERR_TASK_BACKEND', 'embedded backend closed');
      return of(work());
    });
  }

  /** RECEIVED → STARTED (announced); a task already further along is left as it is. */
  #markStarted(task: Mutable<TaskRecord>, now: number): void {
    if (task.status !== 'RECEIVED') return;
    task.status = 'STARTED';
    task.time_started = now;
    this.#emit(task, now);
  }

  #apply(update: TaskUpdate, lease: number, now: number): boolean {
    const stored = this.#live(update.id);
    if (!stored) return false;
    const task = stored.record;
    if (isDone(task.status)) return false;
    const current = task.attempt === update.attempt && this.#active.get(task.id) === stored;
    if ((update.type === 'success' || update.type === 'failure') && update.started && current) this.#markStarted(task, now);
    switch (update.type) {
      case 'start':
        if (!current) return false;
        this.#markStarted(task, now);
        return true;
      case 'renew':
        if (!current) return false;
        this.#lease(stored, now + lease);
        return true;
      case 'progress':
        if (!current) return false;
        task.progress = update.progress;
        this.#events.next({ ...eventBase(task, now), type: 'progress', progress: update.progress });
        return true;
      case 'partial':
        if (!current) return false;
        this.#events.next({ ...eventBase(task, now), type: 'partial', value: update.value });
        return true;
      case 'success':
        // A worker whose lease was handed over may still finish first: its result is as good
        // as the redelivered attempt's (at-least-once), so take it; the other attempt is lost.
        this.#finish(stored, 'SUCCESS', now, { result: update.result });
        return current;
      case 'failure':
        if (!current) return false;
        if (update.retry_at !== undefined && task.retries < task.options.max_retries) {
          this.#active.delete(task.id);
          stored.lease_until = undefined;
          task.retries += 1;
          task.status = 'RETRY';
          task.error = update.error;
          this.#toDelayed(stored, update.retry_at);
          this.#emit(task, now);
        } else {
          this.#finish(stored, 'FAILURE', now, { error: update.error });
        }
        return true;
    }
  }

  #finish(stored: Stored, status: 'SUCCESS' | 'FAILURE' | 'REVOKED', now: number, outcome: Partial<TaskRecord>): void {
    const task = stored.record;
    this.#active.delete(task.id);
    this.#readyIds.delete(task.id);
    this.#delayedIds.delete(task.id);
    stored.lease_until = undefined;
    stored.seq = ++this.#seq; // invalidates any heap entry
    task.status = status;
    task.time_ended = now;
    if (outcome.result !== undefined) task.result = outcome.result;
    if (outcome.error !== undefined) task.error = outcome.error;
    else if (status === 'SUCCESS') delete task.error;
    stored.drop_at = now + task.options.result_ttl;
    this.#dropping.push({ id: task.id, seq: stored.seq, at: stored.drop_at });
    this.#emit(task, now);
  }

  #lease(stored: Stored, until: number): void {
    stored.lease_until = until;
    this.#leases.push({ id: stored.record.id, seq: stored.seq, at: until });
  }

  #redeliver(stored: Stored, now: number): void {
    const task = stored.record;
    this.#active.delete(task.id);
    stored.lease_until = undefined;
    task.redeliveries += 1;
    if (task.redeliveries > task.options.max_redeliveries) {
      this.#finish(stored, 'FAILURE', now, { error: lostError(task, task.redeliveries) });
      return;
    }
    task.status = 'RETRY';
    this.#emit(task, now);
    if (this.#toReady(stored)) this.#signals.next({ type: 'wake', queue: task.queue });
  }

  /** Puts a task in its ready queue; true when the queue was empty (workers may be idle). */
  #toReady(stored: Stored): boolean {
    const task = stored.record;
    stored.seq = ++this.#seq;
    let heap = this.#ready.get(task.queue);
    if (!heap) this.#ready.set(task.queue, (heap = new PriorityHeap(byPriority)));
    const wasEmpty = heap.size === 0;
    heap.push({ id: task.id, seq: stored.seq, priority: task.priority });
    this.#delayedIds.delete(task.id);
    this.#readyIds.add(task.id);
    return wasEmpty;
  }

  #toDelayed(stored: Stored, at: number): void {
    stored.seq = ++this.#seq;
    this.#delayed.push({ id: stored.record.id, seq: stored.seq, at });
    this.#readyIds.delete(stored.record.id);
    this.#delayedIds.add(stored.record.id);
  }

  #housekeep(now: number): void {
    // Expired leases from a heap, not a scan of every running task: this runs on each claim.
    for (let top = this.#leases.peek(); top && top.at <= now; top = this.#leases.peek()) {
      this.#leases.pop();
      const stored = this.#active.get(top.id);
      if (stored && stored.lease_until === top.at) this.#redeliver(stored, now);
    }
    const woken = new Set<string>();
    for (let top = this.#peekLive(this.#delayed); top && top.at <= now; top = this.#peekLive(this.#delayed)) {
      this.#delayed.pop();
      const stored = this.#tasks.get(top.id) as Stored;
      if (this.#toReady(stored)) woken.add(stored.record.queue);
    }
    for (let top = this.#expiring.peek(); top && top.at <= now; top = this.#expiring.peek()) {
      this.#expiring.pop();
      const stored = this.#tasks.get(top.id);
      if (stored && isWaiting(stored.record.status) && stored.record.expiry === top.at) {
        this.#finish(stored, 'REVOKED', now, { error: expiredError(stored.record) });
      }
    }
    for (let top = this.#dropping.peek(); top && top.at <= now; top = this.#dropping.peek()) {
      this.#dropping.pop();
      const stored = this.#tasks.get(top.id);
      if (stored && stored.seq === top.seq) this.#drop(stored);
    }
    for (const queue of woken) this.#signals.next({ type: 'wake', queue });
  }

  /** Top of a timed heap after dropping stale entries. */
  #peekLive(heap: PriorityHeap<TimedEntry>): TimedEntry | undefined {
    for (let top = heap.peek(); top; top = heap.peek()) {
      const stored = this.#tasks.get(top.id);
      if (stored && stored.seq === top.seq && isWaiting(stored.record.status)) return top;
      heap.pop();
    }
    return undefined;
  }

  /** A stored task unless its result outlived `result_ttl`. */
  #live(id: string): Stored | undefined {
    const stored = this.#tasks.get(id);
    if (stored?.drop_at !== undefined && stored.drop_at <= this.#now()) {
      this.#drop(stored);
      return undefined;
    }
    return stored;
  }

  #drop(stored: Stored): void {
    const task = stored.record;
    this.#tasks.delete(task.id);
    this.#active.delete(task.id);
    this.#readyIds.delete(task.id);
    this.#delayedIds.delete(task.id);
    if (task.from_task !== undefined) {
      const kids = this.#children.get(task.from_task);
      kids?.delete(task.id);
      if (kids?.size === 0) this.#children.delete(task.from_task);
    }
  }

  #query(filter: TaskFilter): TaskRecord[] {
    let candidates: Iterable<string>;
    if (filter.ids) candidates = new Set(filter.ids);
    else if (typeof filter.from_task === 'string') candidates = this.#children.get(filter.from_task) ?? [];
    else candidates = this.#tasks.keys();
    const found: TaskRecord[] = [];
    for (const id of candidates) {
      const stored = this.#live(id);
      if (stored && matchesFilter(stored.record, filter)) found.push({ ...stored.record });
    }
    found.sort(compareRecords);
    return filter.limit !== undefined ? found.slice(0, filter.limit) : found;
  }

  #emit(task: TaskRecord, now: number): void {
    if (this.#events.observed) this.#events.next(eventFromRecord(task, now));
  }
}
