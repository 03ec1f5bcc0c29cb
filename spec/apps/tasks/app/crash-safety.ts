/**
 * Crash safety of the task queue application with real workers, shared by the process and the
 * thread specs: the application runs in the jest process (its arbiter), its workers start from
 * `spec/fixtures/tasks/worker.ts`. Every wait is bounded; the arbiter stops in afterAll.
 */
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject, share, timeout, type Observable } from 'rxjs';
import { arbiter, send, type ActorEvent } from 'rxpulsar';
import { TaskQueue, type TaskEvent, type TaskOptions, type TaskQueueClient } from 'rxpulsar/apps/tasks';
import type { Place } from '../../../fixtures/tasks/jobs';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'tasks');
export const JOBS = join(FIXTURES, 'jobs.ts');
export const ENTRY = join(FIXTURES, 'worker.ts');

/** The lifecycle events of the arbiter, recorded from the start (replayed to late subscribers). */
export function recordEvents(): { readonly events$: Observable<ActorEvent>; readonly list: ActorEvent[] } {
  const list: ActorEvent[] = [];
  const subject = new ReplaySubject<ActorEvent>();
  arbiter().events$.subscribe((e) => {
    if (e.type === 'actor:notified') return;
    list.push(e);
    subject.next(e);
  });
  return { events$: subject.asObservable(), list };
}

/** First event matching, or a clear failure after `ms`. */
export function first<T>(source$: Observable<T>, predicate: (v: T) => boolean, ms: number, what: string): Promise<T> {
  return firstValueFrom(
    source$.pipe(
      filter(predicate),
      timeout({ first: ms, with: () => Promise.reject(new Error(`${what}: not within ${ms} ms`)) }),
    ),
  );
}

/** A task followed from its queueing: every event recorded, `place` = where its first attempt runs. */
export function follow(client: TaskQueueClient, job: string, args: unknown[], options: TaskOptions = {}) {
  const events: TaskEvent[] = [];
  const event$ = client.queue(job, args, options).pipe(share({ connector: () => new ReplaySubject<TaskEvent>(), resetOnComplete: false, resetOnRefCountZero: false }));
  const end = lastValueFrom(event$.pipe(timeout({ first: 30_000, each: 30_000 })));
  event$.subscribe((e) => events.push(e));
  const place = first(event$, (e) => e.type === 'progress', 20_000, `${job} started`).then((e) => ({ ...(e.progress as Place), worker: e.worker }));
  return { events, end, place, event$ };
}

/** The specs, for one concurrency. */
export function describeCrashSafety(concurrency: 'process' | 'thread'): void {
  describe(`TaskQueue with ${concurrency} workers`, () => {
    let app: TaskQueue;
    let recorded: ReturnType<typeof recordEvents>;

    beforeAll(async () => {
      recorded = recordEvents();
      app = new TaskQueue({
        name: 'tq',
        entry: ENTRY,
        jobs: [JOBS],
        server: false,
        env: false,
        argv: ['--workers', '2', '--concurrency', concurrency, '--task-concurrency', '1', '--timeout', '3', '--graceful-timeout', '2', '--log-level', 'none'],
      });
      await app.start();
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
      await arbiter().stop('spec over');
    }, 30_000);

    /** The crash (or stop) event of the worker that ran `place`. */
    const endOf = (place: Place & { worker?: string }, types: ActorEvent['type'][]) =>
      first(
        recorded.events$,
        (e) => types.includes(e.type) && e.monitor === 'tq' && (concurrency === 'process' ? e.pid === place.pid : e.threadId === place.threadId),
        20_000,
        `end of the worker that ran attempt ${place.attempt}`,
      );

    it('should run jobs in the workers and let jobs queue children from there', async () => {
      const client = app.client!;
      expect(await firstValueFrom(client.result('addition', [40, 50]))).toBe(90);
      const parent = await firstValueFrom(client.submit('fanout', [10]));
      const done = await firstValueFrom(client.waitForTask(parent.id, { timeout: 20_000 }));
      expect(done.status).toBe('SUCCESS');
      const ids = done.result as string[];
      expect(ids).toHaveLength(10);
      const children = await Promise.all(ids.map((id) => firstValueFrom(client.waitForTask(id, { timeout: 20_000 }))));
      expect(children.map((c) => c.result)).toEqual(ids.map((_, i) => 2 * i));
      const listed = await firstValueFrom(client.getTasks({ from_task: parent.id }));
      expect(listed.map((t) => t.id).sort()).toEqual([...ids].sort());
      // The workers ran the jobs, not the arbiter.
      expect(done.worker).toMatch(/^[\w-]+\.\d+$/);
    }, 30_000);

    it(`should finish on another worker a task whose worker was ${concurrency === 'process' ? 'killed -9' : 'terminated'} mid-task`, async () => {
      const task = follow(app.client!, 'hold', [60_000]);
      const place = await task.place;
      expect(place.attempt).toBe(1);
      const victim = app.monitor!.workers().find((w) => (concurrency === 'process' ? w.pid === place.pid : w.threadId === place.threadId))!;
      expect(victim).toBeDefined();
      if (concurrency === 'process') process.kill(place.pid, 'SIGKILL');
      else victim.terminate();

      const final = await task.end;
      expect(final).toMatchObject({ status: 'SUCCESS', attempt: 2 });
      const result = final.result as Place;
      expect(concurrency === 'process' ? result.pid : result.threadId).not.toBe(concurrency === 'process' ? place.pid : place.threadId);
      expect(task.events.filter((e) => e.type === 'status').map((e) => e.status)).toEqual(['PENDING', 'RECEIVED', 'STARTED', 'RETRY', 'RECEIVED', 'STARTED', 'SUCCESS']);
      const record = (await firstValueFrom(app.client!.getTask(final.id)))!;
      expect(record).toMatchObject({ redeliveries: 1, retries: 0 });
      expect(record.worker).not.toBe(place.worker);

      const crash = await endOf(place, ['actor:crashed']);
      expect(crash.reason).toBe(concurrency === 'process' ? 'killed by SIGKILL' : 'exit code 1');
      await first(recorded.events$, (e) => e.type === 'actor:restarted' && e.aid === crash.aid, 20_000, 'restart');
    }, 45_000);

    it('should replace a worker whose job hangs past its hard time limit, and retry the task as configured', async () => {
      const task = follow(app.client!, 'hang', [1], { hard_time_limit: 500, max_retries: 1, retry_delay: 0 });
      const place = await task.place;
      const final = await task.end;
      expect(final).toMatchObject({ status: 'SUCCESS', attempt: 2 });
      const record = (await firstValueFrom(app.client!.getTask(final.id)))!;
      expect(record).toMatchObject({ retries: 1, redeliveries: 0 });
      const statuses = task.events.filter((e) => e.type === 'status').map((e) => e.status);
      expect(statuses).toEqual(['PENDING', 'RECEIVED', 'STARTED', 'RETRY', 'RECEIVED', 'STARTED', 'SUCCESS']);
      expect(task.events.find((e) => e.status === 'RETRY')?.error?.code).toBe('RXP_ERR_TASK_TIME_LIMIT');

      // The hung worker exits 1 (a crash), and its slot is restarted.
      const crash = await endOf(place, ['actor:crashed', 'actor:stopped']);
      expect(crash).toMatchObject({ type: 'actor:crashed', reason: 'exit code 1' });
      await first(recorded.events$, (e) => e.type === 'actor:restarted' && e.aid === crash.aid && e.time >= crash.time, 20_000, 'restart');
    }, 45_000);

    it('should fail a task that hangs past its hard time limit with no retry left', async () => {
      const task = follow(app.client!, 'hang', [5], { hard_time_limit: 300 });
      const place = await task.place;
      const final = await task.end;
      expect(final).toMatchObject({ status: 'FAILURE', attempt: 1 });
      expect(final.error?.code).toBe('RXP_ERR_TASK_TIME_LIMIT');
      expect(final.error?.message).toMatch(/exceeded its hard time limit of 300 ms/);
      const crash = await endOf(place, ['actor:crashed', 'actor:stopped']);
      expect(crash).toMatchObject({ type: 'actor:crashed', reason: 'exit code 1' });
    }, 45_000);

    it('should replace a worker stuck in a busy loop (heartbeat timeout) and run the task again', async () => {
      const task = follow(app.client!, 'spin', [30_000]);
      const place = await task.place;
      const final = await task.end;
      expect(final).toMatchObject({ status: 'SUCCESS', attempt: 2 });
      const record = (await firstValueFrom(app.client!.getTask(final.id)))!;
      expect(record).toMatchObject({ redeliveries: 1 });
      const crash = await endOf(place, ['actor:crashed']);
      expect(crash.reason).toBe('heartbeat timeout (3000 ms)');
    }, 45_000);

    it('should list the jobs and show task counters in the workers\' heartbeats', async () => {
      const jobs = await app.rpc.job_list();
      expect(jobs.map((j) => j.name)).toEqual(['addition', 'fanout', 'hang', 'hold', 'spin']);
      const workers = app.monitor!.workers();
      await first(recorded.events$, () => workers.every((w) => w.info !== undefined), 5000, 'heartbeats').catch(() => undefined);
      const counters = workers.map((w) => (w.info as unknown as { tasks?: { worker: string; processed: number } } | undefined)?.tasks);
      expect(counters.every((c) => c !== undefined && /\.\d+$/.test(c.worker))).toBe(true);
    });

    it('should answer <name>_stats with the backend counts and the tasks ended since the first call', async () => {
      type Stats = { ready: number; delayed: number; active: number; done: number };
      const before = await firstValueFrom(send<Stats>('arbiter', 'tq_stats'));
      expect(before).toEqual({ ready: 0, delayed: 0, active: 0, done: 0 });
      await firstValueFrom(app.client!.result('addition', [1, 1]));
      await firstValueFrom(app.client!.result('addition', [2, 2]));
      expect(await firstValueFrom(send<Stats>('arbiter', 'tq_stats'))).toMatchObject({ done: 2, active: 0 });
    });
  });
}
