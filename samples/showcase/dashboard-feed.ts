/**
 * The live dashboard's data: a snapshot of the actor tree every `period` ms — the arbiter, its
 * monitors and their workers with state, pid/thread, uptime, memory, event-loop lag and requests
 * served (the page turns counters into rates) — plus the lifecycle events as they happen, and
 * the actions behind its buttons. Works from any worker: everything goes through `send`.
 */
import { Observable, catchError, exhaustMap, forkJoin, from, map, mergeMap, of, timer } from 'rxjs';
import { request, type ActorEvent, type ActorInfo } from 'rxpulsar';

export interface WorkerView {
  readonly aid: string;
  readonly name: string;
  readonly state: string;
  readonly concurrency: string;
  readonly pid?: number;
  readonly threadId?: number;
  readonly restarts: number;
  readonly uptime?: number;
  readonly rss?: number;
  readonly heapUsed?: number;
  readonly loopLag?: number;
  readonly requests?: number;
}

export interface MonitorView {
  readonly name: string;
  readonly size: number;
  readonly concurrency: string;
  readonly workers: readonly WorkerView[];
}

export interface DashboardSnapshot {
  readonly time: number;
  readonly arbiter: { readonly pid: number; readonly uptime: number; readonly rss: number; readonly loopLag: number; readonly version: string };
  readonly monitors: readonly MonitorView[];
  readonly actors: readonly WorkerView[];
  /** Tasks processed so far, when a task queue runs in this tree. */
  readonly tasks?: { readonly done: number };
}

interface Summary {
  aid: string;
  name: string;
  state: string;
  concurrency: string;
  pid?: number;
  threadId?: number;
  restarts: number;
  info?: ActorInfo;
}

interface ArbiterInfo extends ActorInfo {
  version: string;
  monitors: Array<{ name: string; size: number; concurrency: string; workers: Summary[] }>;
  actors: Summary[];
}

/** Live info of one worker (fresher than its last heartbeat); falls back to the heartbeat. */
function workerView(summary: Summary): Observable<WorkerView> {
  const base = { aid: summary.aid, name: summary.name, state: summary.state, concurrency: summary.concurrency, pid: summary.pid, threadId: summary.threadId, restarts: summary.restarts };
  const fromInfo = (info: ActorInfo | undefined): WorkerView =>
    info ? { ...base, uptime: info.uptime, rss: info.memory.rss, heapUsed: info.memory.heapUsed, loopLag: info.loopLag.mean, requests: info.requests } : base;
  if (summary.state !== 'running') return of(fromInfo(summary.info));
  return request<ActorInfo>({ to: summary.aid, command: 'info', timeout: 1000 }).pipe(
    map(fromInfo),
    catchError(() => of(fromInfo(summary.info))),
  );
}

function all<T>(list: readonly Observable<T>[]): Observable<T[]> {
  return list.length ? forkJoin(list) : of([]);
}

/** One snapshot of the whole tree. */
export function snapshot(): Observable<DashboardSnapshot> {
  return request<ArbiterInfo>({ to: 'arbiter', command: 'info', timeout: 2000 }).pipe(
    mergeMap((info) =>
      forkJoin({
        monitors: all(info.monitors.map((m) => all(m.workers.map(workerView)).pipe(map((workers) => ({ name: m.name, size: m.size, concurrency: m.concurrency, workers }))))),
        actors: all(info.actors.map(workerView)),
        tasks: request<{ done?: number }>({ to: 'arbiter', command: 'taskqueue_stats', timeout: 1000 }).pipe(
          map((stats) => (typeof stats?.done === 'number' ? { done: stats.done } : undefined)),
          catchError(() => of(undefined)),
        ),
      }).pipe(
        map(({ monitors, actors, tasks }) => ({
          time: Date.now(),
          arbiter: { pid: info.pid, uptime: info.uptime, rss: info.memory.rss, loopLag: info.loopLag.mean, version: info.version },
          monitors,
          actors,
          ...(tasks ? { tasks } : {}),
        })),
      ),
    ),
  );
}

/** A snapshot every `period` ms (a slow round is skipped, never queued). */
export function dashboardFeed(period = 1000): Observable<DashboardSnapshot> {
  return timer(0, period).pipe(exhaustMap(() => snapshot().pipe(catchError(() => of()))));
}

/** Lifecycle events of every actor, as they happen (heartbeats left out). */
export function lifecycle$(): Observable<ActorEvent> {
  return request<ActorEvent>({ to: 'arbiter', command: 'events', timeout: 0 });
}

export type DashboardAction =
  | { readonly action: 'scale'; readonly monitor: string; readonly delta: 1 | -1 }
  | { readonly action: 'restart'; readonly monitor: string; readonly aid: string };

/** Carries out a button press; emits a short description of what was done. */
export function perform(action: DashboardAction): Observable<string> {
  if (action.action === 'scale') {
    return request<{ size: number }>({ to: action.monitor, command: 'info' }).pipe(
      mergeMap((info) => request<number>({ to: action.monitor, command: 'scale', args: [Math.max(1, info.size + action.delta)] })),
      map((size) => `${action.monitor}: ${size} worker(s)`),
    );
  }
  if (action.action === 'restart') {
    return from(request({ to: action.monitor, command: 'recycle', args: [action.aid], timeout: 60_000 })).pipe(map(() => `${action.monitor}: replaced ${action.aid}`));
  }
  return of(`unknown action`);
}
