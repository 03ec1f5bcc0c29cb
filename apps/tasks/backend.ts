/**
 * The store/broker contract of the task queue.
 *
 * A backend holds the tasks and is the single source of truth for their state: every state
 * change is one atomic operation of the backend (a Lua script on Redis, a synchronous function
 * on the embedded store), so two workers can never both own an attempt and a late report never
 * moves a task backwards. Workers pull on credit: `claim` hands out at most `max` tasks, each
 * under a lease the worker renews while the job runs; a lease that runs out (dead or hung
 * worker) sends the task back to its queue, or fails it after `max_redeliveries`.
 *
 * Every method returns a cold Observable so the same contract is served in process (embedded),
 * over the network (Redis) and over the actor mailbox (see `createRemoteBackend`).
 */
import type { Observable } from 'rxjs';
import type { SerializedError } from '../../lib/errors';
import type { TaskStatus } from './states';
import type { TaskFilter, TaskRecord, TaskRunOptions, WatchMessage } from './types';

/**
 * How a new task meets an existing one with the same id:
 * - `overlap`: ids are random; an existing task is returned untouched;
 * - `dedupe`: an unfinished task with that id is returned, a finished one is replaced;
 * - `if_absent`: any existing task with that id is returned (periodic slots).
 */
export type EnqueueMode = 'overlap' | 'dedupe' | 'if_absent';

/** A fully resolved task to create. */
export interface EnqueueRequest {
  readonly id: string;
  readonly job: string;
  readonly args: readonly unknown[];
  readonly queue: string;
  readonly priority: number;
  readonly time_queued: number;
  readonly from_task?: string;
  readonly eta?: number;
  readonly expiry?: number;
  readonly mode: EnqueueMode;
  /** Periodic jobs: skip when a slot at or after this time was already queued for the job. */
  readonly slot?: number;
  readonly options: TaskRunOptions;
}

export interface EnqueueResult {
  readonly id: string;
  /** False when an existing task was returned (dedupe, same id, or an already queued slot). */
  readonly created: boolean;
  /** Status of the task with that id; null when nothing was queued (a periodic slot already taken). */
  readonly status: TaskStatus | null;
}

export type EnqueueReply =
  | { readonly accepted: true; readonly results: readonly EnqueueResult[] }
  | { readonly accepted: false; readonly waiting: number };

export interface EnqueueLimits {
  /** Refuse the batch while this many tasks are waiting. 0 = no limit. */
  readonly high_water_mark: number;
}

export interface ClaimRequest {
  /** Id of the claiming worker (leases are recorded under it). */
  readonly worker: string;
  /** Credit: at most this many tasks. */
  readonly max: number;
  /** Lease length in ms. */
  readonly lease: number;
  /** Queues to pull from, first has precedence. */
  readonly queues: readonly string[];
}

export interface ClaimReply {
  /** Tasks now RECEIVED by the worker (their `attempt` is the lease token). */
  readonly tasks: readonly TaskRecord[];
  /** When the earliest delayed task becomes due, if any (for the worker's next pull). */
  readonly next_due?: number;
}

/** What a worker reports about an attempt it holds; reports travel in batches. */
export type TaskUpdate =
  | { readonly type: 'start'; readonly id: string; readonly attempt: number }
  | { readonly type: 'renew'; readonly id: string; readonly attempt: number }
  | { readonly type: 'progress'; readonly id: string; readonly attempt: number; readonly progress: unknown }
  | { readonly type: 'partial'; readonly id: string; readonly attempt: number; readonly value: unknown }
  | {
      readonly type: 'success';
      readonly id: string;
      readonly attempt: number;
      readonly result: unknown;
      /** The attempt's `start` report, folded into this one (it started and ended in one batch). */
      readonly started?: boolean;
    }
  | {
      readonly type: 'failure';
      readonly id: string;
      readonly attempt: number;
      readonly error: SerializedError;
      readonly started?: boolean;
      /** Retry at this time if the task has retries left; omitted = fail now. */
      readonly retry_at?: number;
    };

export interface ReportRequest {
  readonly worker: string;
  /** Lease length for `renew` updates, in ms. */
  readonly lease: number;
  readonly updates: readonly TaskUpdate[];
}

export interface ReportReply {
  /** Ids of attempts the worker no longer holds (revoked, redelivered, expired): stop them. */
  readonly lost: readonly string[];
}

/** Out-of-band hints for workers: work may be available, or a running task was revoked. */
export type BackendSignal = { readonly type: 'wake'; readonly queue: string } | { readonly type: 'revoke'; readonly id: string };

export interface BackendStats {
  /** Tasks waiting in the ready queues. */
  readonly ready: number;
  /** Tasks waiting for their ETA or a retry. */
  readonly delayed: number;
  /** Tasks held by workers. */
  readonly active: number;
}

export interface TaskBackend {
  /** Creates tasks (all or none, see `limits`). */
  enqueue(requests: readonly EnqueueRequest[], limits: EnqueueLimits): Observable<EnqueueReply>;
  /** Delivers up to `max` due tasks under a lease; revokes expired ones it meets on the way. */
  claim(request: ClaimRequest): Observable<ClaimReply>;
  /** Applies a batch of worker reports; lists the attempts the worker lost. */
  report(request: ReportRequest): Observable<ReportReply>;
  /** Revokes a task wherever it is; emits its status afterwards (null: no such task). */
  revoke(id: string, reason?: string): Observable<TaskStatus | null>;
  /** Sends every task leased by `worker` back to its queue now (the worker is known dead). */
  releaseWorker(worker: string): Observable<number>;
  get(id: string): Observable<TaskRecord | null>;
  query(filter: TaskFilter): Observable<TaskRecord[]>;
  /** Snapshot of matching tasks (when `snapshot`), then `sync`, then live events. */
  watch(filter: TaskFilter, snapshot: boolean): Observable<WatchMessage>;
  /** Worker hints; a hint may be lost, workers also poll. */
  signals(): Observable<BackendSignal>;
  /** Redelivers expired leases, moves due delayed tasks, drops expired results. */
  maintain(): Observable<void>;
  stats(): Observable<BackendStats>;
  /** Releases connections and timers; idempotent. */
  close(): Promise<void>;
}
