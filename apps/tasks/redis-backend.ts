/**
 * The Redis task backend: tasks shared by producers and workers on any number of hosts.
 *
 * Every state change is one Lua script (`redis-scripts.ts`), so it is atomic. Workers pull on
 * credit (`claim` pops at most `max` tasks) and hold each under a lease in the `active` sorted
 * set; a worker that dies or hangs stops renewing, and the next `claim` or `maintain` by anyone
 * sends the task back to its queue (at least once), or fails it after `max_redeliveries`.
 * Events and worker hints travel on two pub/sub channels, read by a second connection that is
 * opened only when someone watches.
 *
 * Times come from the injected clock of the caller, not from Redis: hosts must keep their clocks
 * in sync (NTP) — a lease is as precise as that.
 */
import { createHash } from 'node:crypto';
import { asyncScheduler, defer, from, map, Observable, Subject, type SchedulerLike } from 'rxjs';
import Redis from 'ioredis';
import { createError, isRxPulsarError, serializeError, type SerializedError } from '../../lib/errors';
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
} from './backend';
import { CLAIM, ENQUEUE, MAINTAIN, RELEASE_WORKER, REPORT, REVOKE } from './redis-scripts';
import { isTaskStatus, type TaskStatus } from './states';
import { compareRecords, eventFromRecord, matchesFilter } from './task-helpers';
import type { TaskEvent, TaskFilter, TaskRecord, TaskRunOptions, WatchMessage } from './types';

export interface RedisBackendOptions {
  /** Time source, ms since epoch. @default () => scheduler.now() */
  readonly clock?: () => number;
  /** Key prefix; a `{hash tag}` keeps every key in one cluster slot. @default 'rxp:{tasks}:' */
  readonly prefix?: string;
  /** An ioredis client to use (not closed by `close()`); else one is made from `url`. */
  readonly redis?: Redis;
  /** Only used for the default clock. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** `redis://host:port/db` when no client is given. @default 'redis://127.0.0.1:6379/0' */
  readonly url?: string;
}

interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const SCRIPTS = {
  enqueue: script(ENQUEUE),
  claim: script(CLAIM),
  report: script(REPORT),
  revoke: script(REVOKE),
  releaseWorker: script(RELEASE_WORKER),
  maintain: script(MAINTAIN),
};

const EXPIRED_TEMPLATE = JSON.stringify(serializeError(createError('RXP_ERR_TASK_EXPIRED', '@ID@', '@JOB@'), false));
const LOST_TEMPLATE = JSON.stringify(serializeError(createError('RXP_ERR_TASK_LOST', '@ID@', '@JOB@', '@N@'), false));

const json = (value: unknown): string => JSON.stringify(value === undefined ? null : value);
const str = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(Math.round(value)));

/** {@link TaskBackend} on Redis; see the module comment. */
export class RedisTaskBackend implements TaskBackend {
  readonly #redis: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #now: () => number;
  #subscriber?: Redis;
  readonly #subscribed = new Map<string, Promise<unknown>>();
  readonly #events = new Subject<TaskEvent>();
  readonly #signals = new Subject<BackendSignal>();
  #closed = false;

  constructor(options: RedisBackendOptions = {}) {
    this.#ownsClient = options.redis === undefined;
    this.#redis = options.redis ?? new Redis(options.url ?? 'redis://127.0.0.1:6379/0', { maxRetriesPerRequest: 3 });
    this.#prefix = options.prefix ?? 'rxp:{tasks}:';
    const scheduler = options.scheduler ?? asyncScheduler;
    this.#now = options.clock ?? (() => scheduler.now());
  }

  enqueue(requests: readonly EnqueueRequest[], limits: EnqueueLimits): Observable<EnqueueReply> {
    const payload = requests.map((r) => ({
      id: r.id,
      job: r.job,
      queue: r.queue,
      pri: String(r.priority),
      args: JSON.stringify(r.args),
      tq: str(r.time_queued),
      from: r.from_task,
      eta: str(r.eta),
      exp: str(r.expiry),
      mode: r.mode,
      slot: str(r.slot),
      opts: JSON.stringify(r.options),
      mr: String(r.options.max_redeliveries),
      mx: String(r.options.max_retries),
      ttl: String(Math.max(1, Math.round(r.options.result_ttl))),
    }));
    return this.#run(SCRIPTS.enqueue, String(limits.high_water_mark), JSON.stringify(payload)).pipe(
      map((reply): EnqueueReply => {
        const [accepted, body] = reply as [number, unknown];
        if (accepted === 0) return { accepted: false, waiting: Number(body) };
        const results = (body as [string, number, string][]).map(
          ([id, created, status]): EnqueueResult => ({ id, created: created === 1, status: isTaskStatus(status) ? status : null }),
        );
        return { accepted: true, results };
      }),
    );
  }

  claim(request: ClaimRequest): Observable<ClaimReply> {
    return defer(() => {
      const now = Math.round(this.#now());
      return this.#runAt(now, SCRIPTS.claim, request.worker, String(request.max), String(Math.round(request.lease)), ...request.queues).pipe(
        map((reply) => this.#claimed(reply, request.worker, now)),
      );
    });
  }

  #claimed(reply: unknown, worker: string, now: number): ClaimReply {
    const [hashes, nextDue] = reply as [string[][], string | null];
    // The script returns each hash as it was; apply what the claim changed.
    const tasks = hashes.map((flat) => {
      const task = parseHash(flat) as { -readonly [K in keyof TaskRecord]: TaskRecord[K] };
      task.status = 'RECEIVED';
      task.attempt += 1;
      task.worker = worker;
      task.time_received = now;
      return task as TaskRecord;
    });
    return nextDue ? { tasks, next_due: Number(nextDue) } : { tasks };
  }

  report(request: ReportRequest): Observable<ReportReply> {
    const updates = request.updates.map((u) => {
      switch (u.type) {
        case 'progress':
          return { t: u.type, id: u.id, a: u.attempt, r: json(u.progress) };
        case 'partial':
          return { t: u.type, id: u.id, a: u.attempt, r: json(u.value) };
        case 'success':
          return { t: u.type, id: u.id, a: u.attempt, r: json(u.result), s: u.started };
        case 'failure':
          return { t: u.type, id: u.id, a: u.attempt, e: JSON.stringify(u.error), at: u.retry_at, s: u.started };
        default:
          return { t: u.type, id: u.id, a: u.attempt };
      }
    });
    return this.#run(SCRIPTS.report, String(Math.round(request.lease)), JSON.stringify(updates)).pipe(
      map((lost) => ({ lost: [...new Set(lost as string[])] })),
    );
  }

  revoke(id: string, reason = 'revoked'): Observable<TaskStatus | null> {
    const template = JSON.stringify(serializeError(createError('RXP_ERR_TASK_REVOKED', '@ID@', '@JOB@', reason), false));
    return this.#run(SCRIPTS.revoke, id, template).pipe(map((status) => (isTaskStatus(status) ? status : null)));
  }

  releaseWorker(worker: string): Observable<number> {
    return this.#run(SCRIPTS.releaseWorker, worker).pipe(map(Number));
  }

  get(id: string): Observable<TaskRecord | null> {
    return this.#call(async () => {
      const flat = (await this.#redis.hgetall(this.#prefix + 't:' + id)) as Record<string, string>;
      return flat.id === undefined ? null : parseFields(flat);
    });
  }

  query(filter: TaskFilter): Observable<TaskRecord[]> {
    return this.#call(() => this.#query(filter));
  }

  watch(filter: TaskFilter, snapshot: boolean): Observable<WatchMessage> {
    return new Observable<WatchMessage>((subscriber) => {
      const buffered: TaskEvent[] = [];
      let live = false;
      const subscription = this.#events.subscribe({
        next: (event) => {
          if (!matchesFilter(event, filter)) return;
          if (live) subscriber.next(event);
          else buffered.push(event);
        },
        complete: () => subscriber.complete(),
      });
      // Subscribe to the channel first, then read the snapshot: an event published in between
      // is both in the snapshot and buffered, and the client's precedence check drops the copy.
      this.#subscribe('events')
        .then(() => (snapshot ? this.#query(filter) : []))
        .then(
          (tasks) => {
            if (subscriber.closed) return;
            for (const task of tasks) subscriber.next(eventFromRecord(task));
            subscriber.next({ type: 'sync' });
            live = true;
            for (const event of buffered.splice(0)) subscriber.next(event);
          },
          (error: unknown) => subscriber.error(backendError(error)),
        );
      return subscription;
    });
  }

  signals(): Observable<BackendSignal> {
    return defer(() => {
      void this.#subscribe('signals').catch(() => undefined);
      return this.#signals;
    });
  }

  maintain(): Observable<void> {
    return this.#run(SCRIPTS.maintain).pipe(map(() => undefined));
  }

  stats(): Observable<BackendStats> {
    return this.#call(async () => {
      const queues = await this.#redis.smembers(this.#prefix + 'queues');
      const pipeline = this.#redis.pipeline();
      for (const queue of queues) pipeline.zcard(this.#prefix + 'q:' + queue);
      pipeline.zcard(this.#prefix + 'delayed');
      pipeline.zcard(this.#prefix + 'active');
      const counts = ((await pipeline.exec()) ?? []).map(([, value]) => Number(value));
      const active = counts.pop() ?? 0;
      const delayed = counts.pop() ?? 0;
      return { ready: counts.reduce((a, b) => a + b, 0), delayed, active };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.complete();
    this.#signals.complete();
    if (this.#subscriber) this.#subscriber.disconnect();
    if (this.#ownsClient) {
      await this.#redis.quit().catch(() => undefined);
      this.#redis.disconnect();
    }
  }

  /** Deletes every key of this backend's prefix (tests, `--task-backend-flush`). */
  async flush(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', escapeGlob(this.#prefix) + '*', 'COUNT', 1000);
      if (keys.length > 0) await this.#redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  // --- internals ---------------------------------------------------------------------------------

  #run(s: Script, ...args: string[]): Observable<unknown> {
    return defer(() => this.#runAt(Math.round(this.#now()), s, ...args));
  }

  #runAt(now: number, s: Script, ...args: string[]): Observable<unknown> {
    return this.#call(async () => {
      const argv = [this.#prefix, String(now), EXPIRED_TEMPLATE, LOST_TEMPLATE, ...args];
      try {
        return await this.#redis.evalsha(s.sha, 0, ...argv);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await this.#redis.eval(s.lua, 0, ...argv);
      }
    });
  }

  #call<T>(work: () => Promise<T>): Observable<T> {
    return defer(() => {
      if (this.#closed) throw createError('RXP_ERR_TASK_BACKEND', 'redis backend closed');
      return from(work().catch((error: unknown) => Promise.reject(backendError(error))));
    });
  }

  #subscribe(channel: 'events' | 'signals'): Promise<unknown> {
    let ready = this.#subscribed.get(channel);
    if (!ready) {
      if (!this.#subscriber) {
        const sub = this.#redis.duplicate();
        sub.on('message', (name: string, message: string) => this.#onMessage(name, message));
        sub.on('error', () => undefined); // reconnects by itself; workers also poll
        this.#subscriber = sub;
      }
      ready = this.#subscriber.subscribe(this.#prefix + channel);
      this.#subscribed.set(channel, ready);
    }
    return ready;
  }

  #onMessage(channel: string, message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (channel === this.#prefix + 'events') this.#events.next(parsed as TaskEvent);
    else if (channel === this.#prefix + 'signals') this.#signals.next(parsed as BackendSignal);
  }

  async #query(filter: TaskFilter): Promise<TaskRecord[]> {
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const found: TaskRecord[] = [];
    const fetch = async (ids: readonly string[]): Promise<void> => {
      const pipeline = this.#redis.pipeline();
      for (const id of ids) pipeline.hgetall(this.#prefix + 't:' + id);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([, flat]) => {
        const fields = flat as Record<string, string>;
        if (fields.id === undefined) return;
        const task = parseFields(fields);
        if (matchesFilter(task, filter)) found.push(task);
      });
    };
    if (filter.ids || typeof filter.from_task === 'string') {
      const ids = filter.ids ?? (await this.#redis.smembers(this.#prefix + 'kids:' + (filter.from_task as string)));
      for (let i = 0; i < ids.length; i += 500) await fetch(ids.slice(i, i + 500));
    } else {
      // Walk the time index oldest first, in pages, and stop once `limit` matches are found.
      for (let start = 0; found.length < limit; start += 500) {
        const ids = await this.#redis.zrange(this.#prefix + 'all', start, start + 499);
        if (ids.length === 0) break;
        await fetch(ids);
      }
    }
    found.sort(compareRecords);
    return found.slice(0, limit);
  }
}

function backendError(error: unknown): Error {
  if (isRxPulsarError(error)) return error;
  return createError('RXP_ERR_TASK_BACKEND', error instanceof Error ? error.message : String(error));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => '\\' + c);
}

function parseHash(flat: readonly string[]): TaskRecord {
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return parseFields(fields);
}

const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

function parseFields(f: Record<string, string>): TaskRecord {
  const record: { -readonly [K in keyof TaskRecord]: TaskRecord[K] } = {
    id: f.id,
    job: f.job,
    args: JSON.parse(f.args) as unknown[],
    queue: f.queue,
    status: f.status as TaskStatus,
    priority: Number(f.pri),
    attempt: Number(f.att),
    retries: Number(f.retries),
    redeliveries: Number(f.redel),
    time_queued: Number(f.tq),
    options: JSON.parse(f.opts) as TaskRunOptions,
  };
  if (f.from !== undefined) record.from_task = f.from;
  if (f.worker !== undefined) record.worker = f.worker;
  if (f.eta !== undefined) record.eta = num(f.eta);
  if (f.exp !== undefined) record.expiry = num(f.exp);
  if (f.tr !== undefined) record.time_received = num(f.tr);
  if (f.ts !== undefined) record.time_started = num(f.ts);
  if (f.te !== undefined) record.time_ended = num(f.te);
  if (f.progress !== undefined) record.progress = JSON.parse(f.progress) as unknown;
  if (f.result !== undefined) record.result = JSON.parse(f.result) as unknown;
  if (f.error !== undefined) record.error = JSON.parse(f.error) as SerializedError;
  return record;
}
