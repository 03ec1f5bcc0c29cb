/**
 * The behaviour every TaskBackend must have, run against the embedded store and against Redis
 * (a real redis-server). Time is a hand-moved clock given to the backend, so leases, ETAs,
 * expiries and retries are exact without sleeping.
 */
import { firstValueFrom, lastValueFrom, type Observable, Subscription } from 'rxjs';
import type { EnqueueRequest, TaskBackend, TaskEvent, TaskRecord, TaskRunOptions, WatchMessage } from 'rxpulsar/apps/tasks';

export interface BackendUnderTest {
  readonly backend: TaskBackend;
  /** The backend's clock, moved by the tests. */
  readonly clock: { now: number };
  /** Checks that a finished task's record is set to disappear `ttl` ms after it ended. */
  expectDropped(id: string, ttl: number): Promise<void>;
  cleanup(): Promise<void>;
}

export const T0 = 1_700_000_000_000;

const RUN: TaskRunOptions = {
  hard_time_limit: 0,
  max_redeliveries: 1,
  max_retries: 0,
  result_ttl: 60_000,
  retry_backoff: 2,
  retry_delay: 1000,
  retry_jitter: false,
  retry_max_delay: 60_000,
  soft_time_limit: 0,
};

export function request(id: string, overrides: Partial<EnqueueRequest> & { run?: Partial<TaskRunOptions> } = {}): EnqueueRequest {
  const { run, ...rest } = overrides;
  return {
    id,
    job: 'job',
    args: [1, 'two', { three: 3 }, []],
    queue: 'default',
    priority: 0,
    time_queued: T0,
    mode: 'overlap',
    options: { ...RUN, ...run },
    ...rest,
  };
}

const NO_LIMIT = { high_water_mark: 0 };

/** Collects watch messages until `done` says so (bounded by `timeout` ms of real time). */
export function collect(source: Observable<WatchMessage>, done: (events: WatchMessage[]) => boolean, timeout = 5000): Promise<WatchMessage[]> {
  return new Promise((resolve, reject) => {
    const events: WatchMessage[] = [];
    const subscription = new Subscription();
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`watch: condition not met in ${timeout} ms; got ${JSON.stringify(events)}`));
    }, timeout);
    subscription.add(
      source.subscribe({
        next: (event) => {
          events.push(event);
          if (done(events)) {
            clearTimeout(timer);
            subscription.unsubscribe();
            resolve(events);
          }
        },
        error: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      }),
    );
  });
}

const statusEvents = (events: WatchMessage[]): TaskEvent[] => events.filter((e): e is TaskEvent => e.type === 'status');

export function backendContract(name: string, make: () => Promise<BackendUnderTest>): void {
  describe(`TaskBackend contract: ${name}`, () => {
    let t: BackendUnderTest;
    let backend: TaskBackend;
    const enqueue = async (...requests: EnqueueRequest[]) => {
      const reply = await firstValueFrom(backend.enqueue(requests, NO_LIMIT));
      if (!reply.accepted) throw new Error('refused');
      return reply.results;
    };
    const claim = (max = 10, worker = 'w1', queues = ['default'], lease = 1000) =>
      firstValueFrom(backend.claim({ worker, max, lease, queues }));
    const report = (updates: Parameters<TaskBackend['report']>[0]['updates'], worker = 'w1', lease = 1000) =>
      firstValueFrom(backend.report({ worker, lease, updates }));
    const get = async (id: string): Promise<TaskRecord> => {
      const task = await firstValueFrom(backend.get(id));
      if (!task) throw new Error(`no task ${id}`);
      return task;
    };

    beforeEach(async () => {
      t = await make();
      backend = t.backend;
      t.clock.now = T0;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('should store a new task as PENDING with every field it was given', async () => {
      const results = await enqueue(request('a', { from_task: 'p', priority: 5, expiry: T0 + 10_000 }));
      expect(results).toEqual([{ id: 'a', created: true, status: 'PENDING' }]);
      expect(await get('a')).toEqual({
        id: 'a',
        job: 'job',
        args: [1, 'two', { three: 3 }, []],
        queue: 'default',
        status: 'PENDING',
        priority: 5,
        from_task: 'p',
        attempt: 0,
        retries: 0,
        redeliveries: 0,
        time_queued: T0,
        expiry: T0 + 10_000,
        options: RUN,
      });
      expect(await firstValueFrom(backend.get('missing'))).toBeNull();
    });

    it('should return the existing task for a known id (overlap) and replace only finished ones (dedupe)', async () => {
      await enqueue(request('a'));
      expect(await enqueue(request('a'))).toEqual([{ id: 'a', created: false, status: 'PENDING' }]);
      expect(await enqueue(request('a', { mode: 'dedupe' }))).toEqual([{ id: 'a', created: false, status: 'PENDING' }]);
      const [task] = (await claim()).tasks;
      await report([{ type: 'success', id: 'a', attempt: task.attempt, result: 1 }]);
      expect(await enqueue(request('a', { mode: 'if_absent' }))).toEqual([{ id: 'a', created: false, status: 'SUCCESS' }]);
      expect(await enqueue(request('a', { mode: 'dedupe', args: [2] }))).toEqual([{ id: 'a', created: true, status: 'PENDING' }]);
      expect(await get('a')).toMatchObject({ status: 'PENDING', attempt: 0, args: [2] });
      expect((await get('a')).result).toBeUndefined();
    });

    it('should queue each periodic slot of a job once', async () => {
      expect(await enqueue(request('p@10', { job: 'tick', mode: 'if_absent', slot: 10 }))).toEqual([{ id: 'p@10', created: true, status: 'PENDING' }]);
      // a second scheduler, or one restarted, offers the same or an older slot
      expect(await enqueue(request('p@10', { job: 'tick', mode: 'if_absent', slot: 10 }))).toEqual([{ id: 'p@10', created: false, status: 'PENDING' }]);
      expect(await enqueue(request('p@5', { job: 'tick', mode: 'if_absent', slot: 5 }))).toEqual([{ id: 'p@5', created: false, status: null }]);
      expect(await enqueue(request('p@20', { job: 'tick', mode: 'if_absent', slot: 20 }))).toEqual([{ id: 'p@20', created: true, status: 'PENDING' }]);
    });

    it('should hand out at most `max` tasks, highest priority first, FIFO within a priority, from the named queues', async () => {
      await enqueue(
        request('low', { priority: -1 }),
        request('n1'),
        request('high', { priority: 7 }),
        request('n2'),
        request('other', { queue: 'other', priority: 100 }),
      );
      const first = await claim(2);
      expect(first.tasks.map((x) => x.id)).toEqual(['high', 'n1']);
      expect(first.tasks[0]).toMatchObject({ status: 'RECEIVED', attempt: 1, worker: 'w1', time_received: T0 });
      expect((await claim(10)).tasks.map((x) => x.id)).toEqual(['n2', 'low']);
      expect((await claim(10)).tasks).toEqual([]);
      expect((await claim(10, 'w2', ['default', 'other'])).tasks.map((x) => x.id)).toEqual(['other']);
      expect(await firstValueFrom(backend.stats())).toEqual({ ready: 0, delayed: 0, active: 5 });
    });

    it('should hold a task until its ETA and tell workers when the next one is due', async () => {
      await enqueue(request('later', { eta: T0 + 500 }), request('now'));
      const reply = await claim();
      expect(reply.tasks.map((x) => x.id)).toEqual(['now']);
      expect(reply.next_due).toBe(T0 + 500);
      expect(await firstValueFrom(backend.stats())).toEqual({ ready: 0, delayed: 1, active: 1 });
      t.clock.now = T0 + 499;
      expect((await claim()).tasks).toEqual([]);
      t.clock.now = T0 + 500;
      const due = await claim();
      expect(due.tasks.map((x) => x.id)).toEqual(['later']);
      expect(due.next_due).toBeUndefined();
    });

    it('should revoke a task not started by its expiry, on claim or on maintain', async () => {
      await enqueue(request('e1', { expiry: T0 + 100 }), request('e2', { expiry: T0 + 100 }), request('ok', { expiry: T0 + 1000 }));
      t.clock.now = T0 + 100;
      await firstValueFrom(backend.maintain());
      const e1 = await get('e1');
      expect(e1).toMatchObject({ status: 'REVOKED', time_ended: T0 + 100, error: { code: 'RXP_ERR_TASK_EXPIRED' } });
      expect(e1.error?.message).toBe('Task e1 (job) expired before it started');
      expect((await claim()).tasks.map((x) => x.id)).toEqual(['ok']);
      expect((await get('e2')).status).toBe('REVOKED');
    });

    it('should apply start, progress and success, and ignore anything after the end', async () => {
      await enqueue(request('a'));
      const [task] = (await claim()).tasks;
      t.clock.now = T0 + 10;
      expect(await report([{ type: 'start', id: 'a', attempt: 1 }, { type: 'progress', id: 'a', attempt: 1, progress: { done: 1 } }])).toEqual({ lost: [] });
      expect(await get('a')).toMatchObject({ status: 'STARTED', time_started: T0 + 10, progress: { done: 1 } });
      t.clock.now = T0 + 20;
      expect(await report([{ type: 'success', id: 'a', attempt: task.attempt, result: { sum: [1, 2] } }])).toEqual({ lost: [] });
      expect(await get('a')).toMatchObject({ status: 'SUCCESS', result: { sum: [1, 2] }, time_ended: T0 + 20 });
      // a late failure (or a second success) never moves the task backwards
      const late = await report([
        { type: 'failure', id: 'a', attempt: 1, error: { name: 'Error', message: 'late' } },
        { type: 'start', id: 'a', attempt: 1 },
      ]);
      expect(late.lost).toEqual(['a']);
      expect(await get('a')).toMatchObject({ status: 'SUCCESS', result: { sum: [1, 2] } });
      expect((await get('a')).error).toBeUndefined();
      await t.expectDropped('a', RUN.result_ttl);
    });

    it('should record a start folded into the outcome of the same batch', async () => {
      await enqueue(request('quick'), request('bad', { run: { max_retries: 1 } }));
      const events: WatchMessage[] = [];
      const watching = backend.watch({ ids: ['quick', 'bad'] }, false).subscribe((e) => events.push(e));
      try {
        await waitFor(() => events.some((e) => e.type === 'sync'));
        await claim(2);
        t.clock.now = T0 + 5;
        await report([
          { type: 'success', id: 'quick', attempt: 1, result: 'ok', started: true },
          { type: 'failure', id: 'bad', attempt: 1, error: { name: 'Error', message: 'x' }, retry_at: T0 + 10, started: true },
        ]);
        expect(await get('quick')).toMatchObject({ status: 'SUCCESS', time_started: T0 + 5, time_ended: T0 + 5 });
        expect(await get('bad')).toMatchObject({ status: 'RETRY', time_started: T0 + 5, retries: 1 });
        await waitFor(() => statusEvents(events).filter((e) => e.status === 'SUCCESS' || e.status === 'RETRY').length === 2);
        const quick = statusEvents(events).filter((e) => e.id === 'quick').map((e) => e.status);
        expect(quick).toEqual(['RECEIVED', 'STARTED', 'SUCCESS']);
        expect(statusEvents(events).filter((e) => e.id === 'bad').map((e) => e.status)).toEqual(['RECEIVED', 'STARTED', 'RETRY']);
      } finally {
        watching.unsubscribe();
      }
    });

    it('should retry a failure at retry_at while retries remain, then fail', async () => {
      await enqueue(request('r', { run: { max_retries: 1 } }));
      await claim();
      const boom = { name: 'Error', message: 'boom' };
      await report([{ type: 'failure', id: 'r', attempt: 1, error: boom, retry_at: T0 + 300 }]);
      expect(await get('r')).toMatchObject({ status: 'RETRY', retries: 1, error: boom, attempt: 1 });
      // A snapshot of a task waiting to retry carries its error, as the live event did.
      const snapshot = await collect(backend.watch({ ids: ['r'] }, true), (got) => got.length > 0);
      expect(snapshot[0]).toMatchObject({ type: 'status', id: 'r', status: 'RETRY', error: boom });
      expect((await claim()).tasks).toEqual([]);
      t.clock.now = T0 + 300;
      const [again] = (await claim()).tasks;
      expect(again).toMatchObject({ id: 'r', attempt: 2, status: 'RECEIVED' });
      await report([{ type: 'failure', id: 'r', attempt: 2, error: boom, retry_at: T0 + 900 }]);
      expect(await get('r')).toMatchObject({ status: 'FAILURE', retries: 1, error: boom });
    });

    it('should redeliver a task whose lease ran out, and treat the old worker as lost', async () => {
      await enqueue(request('x'));
      await claim(1, 'dead');
      await report([{ type: 'start', id: 'x', attempt: 1 }], 'dead');
      t.clock.now = T0 + 999;
      expect((await claim(1, 'w2')).tasks).toEqual([]); // lease still valid
      t.clock.now = T0 + 1000;
      const [redelivered] = (await claim(1, 'w2')).tasks;
      expect(redelivered).toMatchObject({ id: 'x', attempt: 2, redeliveries: 1, worker: 'w2', status: 'RECEIVED' });
      expect((await report([{ type: 'renew', id: 'x', attempt: 1 }], 'dead')).lost).toEqual(['x']);
      expect((await report([{ type: 'start', id: 'x', attempt: 2 }], 'w2')).lost).toEqual([]);
      // the old attempt finishing first still counts (at least once); the new one is then lost
      expect((await report([{ type: 'success', id: 'x', attempt: 1, result: 'old' }], 'dead')).lost).toEqual(['x']);
      expect(await get('x')).toMatchObject({ status: 'SUCCESS', result: 'old' });
      expect((await report([{ type: 'success', id: 'x', attempt: 2, result: 'new' }], 'w2')).lost).toEqual(['x']);
      expect((await get('x')).result).toBe('old');
      expect(await firstValueFrom(backend.stats())).toEqual({ ready: 0, delayed: 0, active: 0 });
    });

    it('should keep a lease alive while it is renewed', async () => {
      await enqueue(request('k'));
      await claim();
      for (let i = 1; i <= 5; i++) {
        t.clock.now = T0 + i * 900;
        expect((await report([{ type: 'renew', id: 'k', attempt: 1 }])).lost).toEqual([]);
      }
      t.clock.now = T0 + 5 * 900 + 999;
      expect((await claim(1, 'w2')).tasks).toEqual([]);
      expect((await get('k')).status).toBe('RECEIVED');
    });

    it('should fail a task with RXP_ERR_TASK_LOST after max_redeliveries', async () => {
      await enqueue(request('z', { run: { max_redeliveries: 1 } }));
      await claim(1, 'a');
      t.clock.now = T0 + 1000;
      expect((await claim(1, 'b')).tasks.map((x) => x.attempt)).toEqual([2]);
      t.clock.now = T0 + 2000;
      await firstValueFrom(backend.maintain());
      const lost = await get('z');
      expect(lost).toMatchObject({ status: 'FAILURE', redeliveries: 2, error: { code: 'RXP_ERR_TASK_LOST' } });
      expect(lost.error?.message).toBe('Task z (job) lost its worker 2 times; max_redeliveries reached');
    });

    it('should send a dead worker\'s tasks back at once on releaseWorker', async () => {
      await enqueue(request('a'), request('b'), request('c'));
      await claim(2, 'dead');
      await claim(1, 'alive');
      expect(await firstValueFrom(backend.releaseWorker('dead'))).toBe(2);
      expect((await claim(5, 'alive')).tasks.map((x) => x.id).sort()).toEqual(['a', 'b']);
    });

    it('should revoke waiting and running tasks, signal the running one, and leave finished ones', async () => {
      const signals: unknown[] = [];
      const sub = backend.signals().subscribe((s) => signals.push(s));
      try {
        await firstValueFrom(backend.stats()); // let a lazy subscription settle
        await enqueue(request('wait'), request('run'), request('done'));
        expect(await firstValueFrom(backend.revoke('wait', 'not needed'))).toBe('REVOKED');
        const w = await get('wait');
        expect(w).toMatchObject({ status: 'REVOKED', error: { code: 'RXP_ERR_TASK_REVOKED' } });
        expect(w.error?.message).toBe('Task wait (job) was revoked: not needed');
        const claimed = (await claim(2)).tasks.map((x) => x.id);
        expect(claimed).toEqual(['run', 'done']);
        await report([{ type: 'success', id: 'done', attempt: 1, result: null }]);
        expect(await firstValueFrom(backend.revoke('run'))).toBe('REVOKED');
        expect(await firstValueFrom(backend.revoke('done'))).toBe('SUCCESS');
        expect(await firstValueFrom(backend.revoke('nope'))).toBeNull();
        expect((await report([{ type: 'renew', id: 'run', attempt: 1 }])).lost).toEqual(['run']);
        await waitFor(() => signals.some((s) => JSON.stringify(s) === JSON.stringify({ type: 'revoke', id: 'run' })));
      } finally {
        sub.unsubscribe();
      }
    });

    it('should select tasks by every filter field at once, each task once, oldest first', async () => {
      await enqueue(
        request('c1', { from_task: 'p', job: 'add', time_queued: T0 + 2 }),
        request('c2', { from_task: 'p', job: 'mul', time_queued: T0 + 1 }),
        request('c3', { from_task: 'q', job: 'add', time_queued: T0 + 3 }),
        request('c4', { job: 'add', time_queued: T0 + 4 }),
      );
      await claim(1); // c1, the first enqueued, is now RECEIVED
      const ids = async (filter: Parameters<TaskBackend['query']>[0]) => (await firstValueFrom(backend.query(filter))).map((x) => x.id);
      expect(await ids({ from_task: 'p' })).toEqual(['c2', 'c1']);
      expect(await ids({ from_task: ['p', 'q'], job: 'add' })).toEqual(['c1', 'c3']);
      expect(await ids({ job: ['add', 'add'], status: ['PENDING', 'RECEIVED'] })).toEqual(['c1', 'c3', 'c4']);
      expect(await ids({ status: 'RECEIVED' })).toEqual(['c1']);
      expect(await ids({ ids: ['c4', 'c2', 'zz'] })).toEqual(['c2', 'c4']);
      expect(await ids({ limit: 2 })).toEqual(['c2', 'c1']);
      expect(await ids({})).toEqual(['c2', 'c1', 'c3', 'c4']);
    });

    it('should watch: a snapshot of matching tasks, sync, then their live events', async () => {
      await enqueue(request('a', { job: 'add' }), request('b', { job: 'mul' }));
      const events: WatchMessage[] = [];
      const watching = backend.watch({ job: 'add' }, true).subscribe((e) => events.push(e));
      try {
        await waitFor(() => events.some((e) => e.type === 'sync'));
        expect(await collect(backend.watch({ ids: ['zz'] }, false), (got) => got.length > 0)).toEqual([{ type: 'sync' }]);
        await claim(2);
        await report([
          { type: 'start', id: 'a', attempt: 1 },
          { type: 'progress', id: 'a', attempt: 1, progress: 50 },
          { type: 'partial', id: 'a', attempt: 1, value: [1] },
          { type: 'success', id: 'a', attempt: 1, result: 3 },
          { type: 'success', id: 'b', attempt: 1, result: 4 },
        ]);
        await waitFor(() => statusEvents(events).some((e) => e.status === 'SUCCESS'));
      } finally {
        watching.unsubscribe();
      }
      expect(events[0]).toMatchObject({ type: 'status', id: 'a', status: 'PENDING', attempt: 0, job: 'add' });
      expect(events[1]).toEqual({ type: 'sync' });
      const live = events.slice(2).filter((e): e is TaskEvent => e.type !== 'sync');
      // a PENDING duplicate may arrive from before the snapshot; then the life of the task in order
      const tail = live.filter((e) => !(e.type === 'status' && e.status === 'PENDING'));
      expect(tail.map((e) => [e.type, e.status])).toEqual([
        ['status', 'RECEIVED'],
        ['status', 'STARTED'],
        ['progress', 'STARTED'],
        ['partial', 'STARTED'],
        ['status', 'SUCCESS'],
      ]);
      expect(tail[2].progress).toBe(50);
      expect(tail[3].value).toEqual([1]);
      expect(tail[4]).toMatchObject({ result: 3, attempt: 1, worker: 'w1', id: 'a' });
      expect(live.every((e) => e.id === 'a')).toBe(true);
    });

    it('should refuse a batch at the high-water mark', async () => {
      await enqueue(request('a'), request('b', { eta: T0 + 100 }));
      const refused = await firstValueFrom(backend.enqueue([request('c')], { high_water_mark: 2 }));
      expect(refused).toEqual({ accepted: false, waiting: 2 });
      expect(await firstValueFrom(backend.get('c'))).toBeNull();
      await claim(1);
      const accepted = await firstValueFrom(backend.enqueue([request('c')], { high_water_mark: 2 }));
      expect(accepted.accepted).toBe(true);
    });

    it('should emit a wake signal when a queue goes from empty to not empty', async () => {
      const signals: unknown[] = [];
      const sub = backend.signals().subscribe((s) => signals.push(s));
      try {
        await firstValueFrom(backend.stats());
        await waitFor(async () => {
          await enqueue(request(`w${signals.length}-${Math.random()}`, { queue: 'wq' }));
          await claim(10, 'w', ['wq']);
          return signals.length > 0;
        });
        expect(signals[0]).toEqual({ type: 'wake', queue: 'wq' });
      } finally {
        sub.unsubscribe();
      }
    });

    it('should enqueue many tasks in one call', async () => {
      const many = Array.from({ length: 1200 }, (_, i) => request(`m${i}`));
      const results = await enqueue(...many);
      expect(results.filter((r) => r.created)).toHaveLength(1200);
      expect(await firstValueFrom(backend.stats())).toEqual({ ready: 1200, delayed: 0, active: 0 });
      expect((await lastValueFrom(backend.query({ status: 'PENDING' }))).length).toBe(1200);
    });
  });
}

/** Polls `check` (real time, bounded) — for pub/sub deliveries that have no completion to await. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
