/**
 * The seam between the task queue and the actor runtime.
 *
 * The embedded backend lives in the arbiter; workers and producers in other actors reach it by
 * sending commands. {@link exposeBackend} turns a backend into named command handlers (for the
 * arbiter's command table) and {@link createRemoteBackend} turns any command transport — in the
 * runtime, `(command, ...args) => send('arbiter', command, ...args)` — back into a
 * {@link TaskBackend}. Streams (`watch`, `signals`) ride on the transport's streaming replies, and
 * unsubscribing cancels them on the remote side. Arguments and replies are plain JSON.
 */
import { Observable, map } from 'rxjs';
import type {
  BackendSignal,
  BackendStats,
  ClaimReply,
  ClaimRequest,
  EnqueueLimits,
  EnqueueReply,
  EnqueueRequest,
  ReportReply,
  ReportRequest,
  TaskBackend,
} from './backend';
import type { TaskStatus } from './states';
import type { TaskFilter, TaskRecord, WatchMessage } from './types';

/** Sends `command` with `args` to the actor holding the backend; emits the reply (or stream). */
export type TaskTransport = (command: string, ...args: unknown[]) => Observable<unknown>;

/** Command handlers, by name, as registered in the actor that holds the backend. */
export type TaskCommandHandlers = Readonly<Record<string, (...args: unknown[]) => Observable<unknown>>>;

export interface RemoteBackendOptions {
  /** Prefix of the command names. @default 'task_' */
  readonly prefix?: string;
}

/** The command names (without prefix) a backend is exposed under. */
export const TASK_COMMANDS = [
  'enqueue',
  'claim',
  'report',
  'revoke',
  'release_worker',
  'get',
  'query',
  'watch',
  'signals',
  'maintain',
  'stats',
] as const;

/** The commands whose reply is a stream that lasts (no reply timeout applies to them). */
export const STREAMING_TASK_COMMANDS: ReadonlySet<string> = new Set<(typeof TASK_COMMANDS)[number]>(['watch', 'signals']);

/**
 * Exposes `backend` as command handlers named `task_enqueue`, `task_claim`, ... (see
 * {@link TASK_COMMANDS}); register each in the arbiter's command table.
 *
 * ## Example
 * ```ts
 * const handlers = exposeBackend(new EmbeddedTaskBackend());
 * for (const [name, handler] of Object.entries(handlers)) arbiterCommands.register(name, handler);
 * ```
 */
export function exposeBackend(backend: TaskBackend, options: RemoteBackendOptions = {}): TaskCommandHandlers {
  const p = options.prefix ?? 'task_';
  return {
    [`${p}enqueue`]: (requests, limits) => backend.enqueue(requests as EnqueueRequest[], limits as EnqueueLimits),
    [`${p}claim`]: (request) => backend.claim(request as ClaimRequest),
    [`${p}report`]: (request) => backend.report(request as ReportRequest),
    [`${p}revoke`]: (id, reason) => backend.revoke(String(id), typeof reason === 'string' ? reason : undefined),
    [`${p}release_worker`]: (worker) => backend.releaseWorker(String(worker)),
    [`${p}get`]: (id) => backend.get(String(id)),
    [`${p}query`]: (filter) => backend.query((filter ?? {}) as TaskFilter),
    [`${p}watch`]: (filter, snapshot) => backend.watch((filter ?? {}) as TaskFilter, snapshot !== false),
    [`${p}signals`]: () => backend.signals(),
    [`${p}maintain`]: () => backend.maintain().pipe(map(() => null)),
    [`${p}stats`]: () => backend.stats(),
  };
}

/**
 * A {@link TaskBackend} that forwards every call through `transport` to a backend exposed with
 * {@link exposeBackend}. `close()` only stops using the transport; the remote backend stays.
 *
 * ## Example
 * ```ts
 * const backend = createRemoteBackend((command, ...args) => send('arbiter', command, ...args));
 * new TaskConsumer({ backend, registry }).start();
 * ```
 */
export function createRemoteBackend(transport: TaskTransport, options: RemoteBackendOptions = {}): TaskBackend {
  const p = options.prefix ?? 'task_';
  const call = <T>(command: string, ...args: unknown[]): Observable<T> => transport(p + command, ...args) as Observable<T>;
  return {
    enqueue: (requests: readonly EnqueueRequest[], limits: EnqueueLimits) => call<EnqueueReply>('enqueue', requests, limits),
    claim: (request: ClaimRequest) => call<ClaimReply>('claim', request),
    report: (request: ReportRequest) => call<ReportReply>('report', request),
    revoke: (id: string, reason?: string) => call<TaskStatus | null>('revoke', id, ...(reason === undefined ? [] : [reason])),
    releaseWorker: (worker: string) => call<number>('release_worker', worker),
    get: (id: string) => call<TaskRecord | null>('get', id),
    query: (filter: TaskFilter) => call<TaskRecord[]>('query', filter),
    watch: (filter: TaskFilter, snapshot: boolean) => call<WatchMessage>('watch', filter, snapshot),
    signals: () => call<BackendSignal>('signals'),
    maintain: () => call<unknown>('maintain').pipe(map(() => undefined)),
    stats: () => call<BackendStats>('stats'),
    close: async () => undefined,
  };
}
