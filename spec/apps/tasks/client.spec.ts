import { finalize, map, NEVER, Observable, Subject, tap, timer } from 'rxjs';
import {
  defineJob,
  EmbeddedTaskBackend,
  JobRegistry,
  TaskConsumer,
  TaskQueueClient,
  type TaskBackend,
  type TaskEvent,
  type TaskRecord,
  type WatchMessage,
} from 'rxpulsar/apps/tasks';
import { virtual, vs } from './virtual-time';

const stream = defineJob('stream', (ctx) =>
  timer(10, ctx.scheduler).pipe(
    tap(() => ctx.progress({ half: true })),
    map(() => 'a'),
    (source) => new Observable<string>((subscriber) => source.subscribe({ next: (v) => (subscriber.next(v), subscriber.next('b')), complete: () => subscriber.complete() })),
  ),
);
const sleep = defineJob('sleep', (ctx, ms: number) => timer(ms, ctx.scheduler).pipe(map(() => ms)));
const failing = defineJob('failing', () => {
  throw new Error('kaputt');
});

function setup(options: { consumer?: boolean; high_water_mark?: number; backpressure?: 'wait' | 'error' } = {}) {
  const backend = new EmbeddedTaskBackend({ scheduler: vs() });
  const registry = new JobRegistry([stream, sleep, failing]);
  const client = new TaskQueueClient({ scheduler: vs(), backend, registry, high_water_mark: options.high_water_mark, backpressure: options.backpressure });
  const consumer = new TaskConsumer({ scheduler: vs(), backend, registry, client, concurrency: 2, lease: 1000, poll_interval: 100, worker: 'w1' });
  if (options.consumer !== false) consumer.start();
  return { backend, registry, client, consumer };
}

const label = (e: TaskEvent): string =>
  e.type === 'status' ? e.status : `${e.type}:${JSON.stringify(e.type === 'progress' ? e.progress : e.value)}`;

describe('TaskQueueClient', () => {
  it('should emit the life of a task — states, progress, partial results — and complete with it', () => {
    const seen: [number, string][] = [];
    let completedAt = -1;
    let last: TaskEvent | undefined;
    virtual(({ at, now }) => {
      const t = setup();
      t.client.queue(stream, []).subscribe({
        next: (e) => {
          seen.push([now(), label(e)]);
          last = e;
        },
        complete: () => (completedAt = now()),
      });
      at(100, () => t.consumer.stop().subscribe());
    });
    expect(seen).toEqual([
      [0, 'PENDING'],
      [0, 'RECEIVED'],
      [0, 'STARTED'],
      [10, 'progress:{"half":true}'],
      [10, 'partial:"a"'],
      [10, 'partial:"b"'],
      [10, 'SUCCESS'],
    ]);
    expect(last).toMatchObject({ result: 'b', attempt: 1, worker: 'w1' });
    expect(completedAt).toBe(10);
  });

  it('should revoke the task when the subscriber leaves before the end', () => {
    let tornDown = -1;
    let final: TaskRecord | null = null;
    virtual(({ at, now }) => {
      const t = setup({ consumer: false });
      const endless = defineJob('endless', () => NEVER.pipe(finalize(() => (tornDown = now()))));
      const client = new TaskQueueClient({ scheduler: vs(), backend: t.backend });
      const consumer = new TaskConsumer({ scheduler: vs(), backend: t.backend, registry: new JobRegistry([endless]), worker: 'w2', poll_interval: 100 }).start();
      let id = '';
      const sub = client.queue(endless, [], { id: 'mine' }).subscribe((e) => (id = e.id));
      at(40, () => sub.unsubscribe());
      at(50, () => client.getTask(id).subscribe((task) => (final = task)));
      at(60, () => consumer.stop().subscribe());
    });
    expect(tornDown).toBe(40);
    expect(final).toMatchObject({ id: 'mine', status: 'REVOKED', time_ended: 40 });
  });

  it('should emit the result, or fail with the catalog error carrying the job error', () => {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    virtual(({ at }) => {
      const t = setup();
      t.client.result(sleep, [20]).subscribe((v) => results.push(v));
      t.client.result(failing, []).subscribe({ error: (e: unknown) => errors.push(e) });
      at(100, () => t.consumer.stop().subscribe());
    });
    expect(results).toEqual([20]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'RXP_ERR_TASK_FAILED', data: { name: 'Error', message: 'kaputt' } });
    expect((errors[0] as Error).message).toMatch(/^Task [0-9a-f]{16} \(failing\) failed: kaputt$/);
  });

  it('should wait for a task (pulsar never implemented it), fail for an unknown id, and time out', () => {
    const got: [number, unknown][] = [];
    virtual(({ at, now }) => {
      const t = setup();
      t.client.submit(sleep, [30], { id: 's' }).subscribe();
      at(1, () => t.client.waitForTask('s').subscribe((task) => got.push([now(), task.status])));
      at(40, () => t.client.waitForTask('s').subscribe((task) => got.push([now(), task.result])));
      at(1, () => t.client.waitForTask('nope').subscribe({ error: (e: { code: string }) => got.push([now(), e.code]) }));
      at(1, () => t.client.submit(sleep, [500], { id: 'slow' }).subscribe());
      at(2, () => t.client.waitForTask('slow', { timeout: 50 }).subscribe({ error: (e: { code: string }) => got.push([now(), e.code]) }));
      at(1000, () => t.consumer.stop().subscribe());
    });
    expect(got).toEqual([
      [1, 'RXP_ERR_TASK_NOT_FOUND'],
      [30, 'SUCCESS'],
      [40, 30],
      [52, 'RXP_ERR_TIMEOUT'],
    ]);
  });

  it('should never move a task backwards in tasks$, whatever order events arrive in', () => {
    const events$ = new Subject<WatchMessage>();
    const backend = { watch: () => events$ } as unknown as TaskBackend;
    const client = new TaskQueueClient({ scheduler: vs(), backend });
    const seen: string[] = [];
    client.tasks$().subscribe((e) => seen.push(`${e.id}:${label(e)}@${e.attempt}`));
    const ev = (id: string, status: TaskEvent['status'], attempt: number, type: TaskEvent['type'] = 'status'): TaskEvent => ({
      type,
      id,
      job: 'j',
      status,
      attempt,
      time: 0,
      ...(type === 'progress' ? { progress: 1 } : {}),
    });
    events$.next(ev('a', 'STARTED', 1)); // snapshot
    events$.next({ type: 'sync' });
    events$.next(ev('a', 'RECEIVED', 1)); // late copy
    events$.next(ev('a', 'PENDING', 0)); // older still
    events$.next(ev('a', 'RETRY', 1));
    events$.next(ev('a', 'STARTED', 1)); // late
    events$.next(ev('a', 'RECEIVED', 2));
    events$.next(ev('a', 'SUCCESS', 2));
    events$.next(ev('a', 'FAILURE', 2)); // a second end never wins
    events$.next(ev('a', 'STARTED', 2, 'progress')); // nothing after the end
    events$.next(ev('b', 'PENDING', 0));
    expect(seen).toEqual(['a:STARTED@1', 'a:RETRY@1', 'a:RECEIVED@2', 'a:SUCCESS@2', 'b:PENDING@0']);
  });

  it('should hold producers at the high-water mark until there is room (wait)', () => {
    const stored: [number, string][] = [];
    virtual(({ at, now }) => {
      const t = setup({ consumer: false, high_water_mark: 2 });
      for (const id of ['a', 'b']) t.client.submit(sleep, [10], { id }).subscribe((task) => stored.push([now(), task.id]));
      at(1, () => t.client.submit(sleep, [10], { id: 'c' }).subscribe((task) => stored.push([now(), task.id])));
      at(100, () => t.consumer.start());
      at(300, () => t.consumer.stop().subscribe());
    });
    expect(stored.slice(0, 2)).toEqual([
      [0, 'a'],
      [0, 'b'],
    ]);
    expect(stored[2][1]).toBe('c');
    expect(stored[2][0]).toBeGreaterThanOrEqual(100);
    expect(stored[2][0]).toBeLessThan(200);
  });

  it('should fail producers at the high-water mark with RXP_ERR_QUEUE_FULL (error)', () => {
    const outcome: unknown[] = [];
    virtual(({ at }) => {
      const t = setup({ consumer: false, high_water_mark: 1, backpressure: 'error' });
      t.client.submit(sleep, [10]).subscribe(() => outcome.push('stored'));
      at(1, () => t.client.submit(sleep, [10]).subscribe({ error: (e: Error & { code: string }) => outcome.push(e.code, e.message) }));
    });
    expect(outcome).toEqual(['stored', 'RXP_ERR_QUEUE_FULL', 'Task queue is full (1 tasks waiting, high-water mark 1)']);
  });

  it('should resolve options: job defaults under call options, ids, ETA and expiry', () => {
    virtual(({ now }) => {
      const job = defineJob('j', () => 1, { max_retries: 3, priority: 2, queue: 'q', expires: 1000, soft_time_limit: 5 });
      const client = new TaskQueueClient({ scheduler: vs(), backend: new EmbeddedTaskBackend({ scheduler: vs() }), registry: new JobRegistry([job]), id: () => 'fixed', defaults: { result_ttl: 10 } });
      const request = client.prepare(job, [undefined, 1], { max_retries: 1, delay: 50 });
      expect(request).toMatchObject({
        id: 'fixed',
        job: 'j',
        args: [null, 1],
        queue: 'q',
        priority: 2,
        eta: now() + 50,
        expiry: now() + 1000,
        mode: 'overlap',
        options: { max_retries: 1, soft_time_limit: 5, result_ttl: 10, max_redeliveries: 3 },
      });
      expect(client.prepare('j', [], { id: 'mine', eta: new Date(5), expires: new Date(9) })).toMatchObject({ id: 'mine', mode: 'dedupe', eta: 5, expiry: 9 });
      expect(client.prepare('j', [1], { can_overlap: false }).id).toBe(client.prepare('j', [1], { can_overlap: false }).id);
      expect(() => client.prepare('nope', [])).toThrow(expect.objectContaining({ code: 'RXP_ERR_JOB_NOT_REGISTERED', rpcCode: -32602 }));
      expect(() => client.prepare('j', [], { priority: 1.5 })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
      expect(() => client.prepare('j', [], { max_retries: -1 })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
      expect(() => client.prepare('j', 'x' as unknown as [])).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
    });
  });

  it('should queue child tasks with their lineage and find them by from_task', () => {
    let children: TaskRecord[] = [];
    virtual(({ at }) => {
      const parent = defineJob('parent', (ctx) => ctx.result(sleep, [5]).pipe(map((v) => v * 2)));
      const backend = new EmbeddedTaskBackend({ scheduler: vs() });
      const registry = new JobRegistry([parent, sleep]);
      const client = new TaskQueueClient({ scheduler: vs(), backend, registry });
      const consumer = new TaskConsumer({ scheduler: vs(), backend, registry, concurrency: 2, poll_interval: 100 }).start();
      client.submit(parent, [], { id: 'p' }).subscribe();
      at(50, () => client.getTasks({ from_task: 'p' }).subscribe((found) => (children = found)));
      at(60, () => consumer.stop().subscribe());
    });
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ job: 'sleep', from_task: 'p', status: 'SUCCESS', result: 5 });
  });

  it('should list jobs and the next scheduled one', () => {
    virtual(() => {
      const tick = defineJob('tick', () => 1, { schedule: { every: 5000 }, doc: 'ticks' });
      const cron = defineJob('cron', () => 1, { schedule: { cron: '*/1 * * * *' }, can_overlap: (...args) => args.length > 0 });
      const client = new TaskQueueClient({ scheduler: vs(), backend: new EmbeddedTaskBackend({ scheduler: vs() }), registry: new JobRegistry([tick, cron, sleep]) });
      const out: unknown[] = [];
      client.jobList().subscribe((jobs) => out.push(jobs));
      client.jobList(['tick']).subscribe((jobs) => out.push(jobs.map((j) => j.name)));
      client.nextScheduled().subscribe((next) => out.push(next));
      client.nextScheduled(['cron']).subscribe((next) => out.push(next));
      client.nextScheduled(['sleep']).subscribe((next) => out.push(next));
      expect(out).toEqual([
        [
          { name: 'cron', type: 'periodic', can_overlap: 'maybe', queue: 'default', next_run: 60_000, cron: '*/1 * * * *', tz: 'UTC' },
          { name: 'sleep', type: 'regular', can_overlap: true, queue: 'default' },
          { name: 'tick', doc: 'ticks', type: 'periodic', can_overlap: true, queue: 'default', next_run: 5000, run_every: 5000 },
        ],
        ['tick'],
        { job: 'tick', next_run: 5000, time_to_run: 5000 },
        { job: 'cron', next_run: 60_000, time_to_run: 60_000 },
        null,
      ]);
    });
  });

  it('should batch the enqueues of one turn into one backend call', () => {
    const backend = new EmbeddedTaskBackend({ scheduler: vs() });
    const calls: number[] = [];
    const spy: TaskBackend = Object.assign(Object.create(backend) as TaskBackend, {
      enqueue: (requests: Parameters<TaskBackend['enqueue']>[0], limits: Parameters<TaskBackend['enqueue']>[1]) => {
        calls.push(requests.length);
        return backend.enqueue(requests, limits);
      },
    });
    let stored = 0;
    virtual(() => {
      const client = new TaskQueueClient({ scheduler: vs(), backend: spy, batch_size: 400 });
      client
        .submitMany(Array.from({ length: 1000 }, (_, i) => ({ job: 'x', args: [i] })))
        .subscribe((tasks) => (stored = tasks.length));
      client.submitMany([]).subscribe();
    });
    expect(stored).toBe(1000);
    expect(calls).toEqual([400, 400, 200]);
  });
});
