import { finalize, map, NEVER, Observable, timer } from 'rxjs';
import {
  defineJob,
  EmbeddedTaskBackend,
  JobRegistry,
  TaskConsumer,
  TaskQueueClient,
  type HardTimeLimitEvent,
  type Job,
  type TaskBackend,
  type TaskConsumerOptions,
  type TaskRecord,
} from 'rxpulsar/apps/tasks';
import { timeline, virtual, vs } from './virtual-time';

const sleep = defineJob('sleep', (ctx, ms: number) => timer(ms, ctx.scheduler).pipe(map(() => ms)));

function setup(jobs: Job[], options: Partial<TaskConsumerOptions> = {}, backend: TaskBackend = new EmbeddedTaskBackend({ scheduler: vs() })) {
  const registry = new JobRegistry(jobs);
  const client = new TaskQueueClient({ scheduler: vs(), backend, registry });
  const consumer = new TaskConsumer({
    scheduler: vs(),
    backend,
    registry,
    client,
    concurrency: 2,
    lease: 1000,
    poll_interval: 100,
    worker: 'w1',
    random: () => 0.5,
    ...options,
  });
  return { backend, registry, client, consumer, log: timeline(client) };
}

/** Statuses of one task over time. */
const of_ = (log: [number, string, string][], id: string) => log.filter(([, task]) => task === id).map(([time, , what]) => [time, what]);

function record(client: TaskQueueClient, id: string, sink: (task: TaskRecord | null) => void): void {
  client.getTask(id).subscribe(sink);
}

describe('TaskConsumer', () => {
  it('should pull on credit: never more tasks than its concurrency, the rest stay PENDING', () => {
    let stats: unknown;
    let log: [number, string, string][] = [];
    virtual(({ at }) => {
      const t = setup([sleep]);
      log = t.log;
      t.consumer.start();
      for (let i = 0; i < 5; i++) t.client.submit(sleep, [10], { id: `t${i}` }).subscribe();
      at(5, () => t.backend.stats().subscribe((s) => (stats = s)));
      at(100, () => t.consumer.stop().subscribe());
    });
    const started = log.filter(([, , s]) => s === 'STARTED').map(([time, id]) => [time, id]);
    expect(started).toEqual([
      [0, 't0'],
      [0, 't1'],
      [10, 't2'],
      [10, 't3'],
      [20, 't4'],
    ]);
    expect(log.filter(([, , s]) => s === 'SUCCESS').map(([time]) => time)).toEqual([10, 10, 20, 20, 30]);
    expect(stats).toEqual({ ready: 3, delayed: 0, active: 2 });
  });

  it('should retry with exponential backoff and injected jitter, then fail', () => {
    let log: [number, string, string][] = [];
    let final: TaskRecord | null = null;
    virtual(({ at }) => {
      const failing = defineJob('failing', () => {
        throw new Error('kaputt');
      });
      const t = setup([failing]);
      log = t.log;
      t.consumer.start();
      t.client.submit(failing, [], { id: 'f', max_retries: 2, retry_delay: 100, retry_backoff: 2, retry_jitter: true }).subscribe();
      at(1000, () => record(t.client, 'f', (task) => (final = task)));
      at(1000, () => t.consumer.stop().subscribe());
    });
    // random() = 0.5: first retry after 0.5 * 100, second after 0.5 * 200
    expect(of_(log, 'f')).toEqual([
      [0, 'PENDING'],
      [0, 'RECEIVED'],
      [0, 'STARTED'],
      [0, 'RETRY'],
      [50, 'RECEIVED'],
      [50, 'STARTED'],
      [50, 'RETRY'],
      [150, 'RECEIVED'],
      [150, 'STARTED'],
      [150, 'FAILURE'],
    ]);
    expect(final).toMatchObject({ status: 'FAILURE', attempt: 3, retries: 2, error: { name: 'Error', message: 'kaputt' } });
  });

  it('should not retry when the job says the error is not retryable', () => {
    let final: TaskRecord | null = null;
    virtual(({ at }) => {
      const fatal = defineJob(
        'fatal',
        () => {
          throw new TypeError('bad input');
        },
        { max_retries: 5, retry_on: (error) => !(error instanceof TypeError) },
      );
      const t = setup([fatal]);
      t.consumer.start();
      t.client.submit(fatal, [], { id: 'x' }).subscribe();
      at(100, () => record(t.client, 'x', (task) => (final = task)));
      at(100, () => t.consumer.stop().subscribe());
    });
    expect(final).toMatchObject({ status: 'FAILURE', attempt: 1, retries: 0, error: { name: 'TypeError' } });
  });

  it('should abort ctx.signal at the soft time limit', () => {
    let final: TaskRecord | null = null;
    let abortedAt = -1;
    virtual(({ at, now }) => {
      const polite = defineJob(
        'polite',
        (ctx) =>
          new Observable<never>((subscriber) => {
            ctx.signal.addEventListener('abort', () => {
              abortedAt = now();
              subscriber.error(ctx.signal.reason);
            });
          }),
      );
      const t = setup([polite]);
      t.consumer.start();
      t.client.submit(polite, [], { id: 's', soft_time_limit: 100, hard_time_limit: 500 }).subscribe();
      at(1000, () => record(t.client, 's', (task) => (final = task)));
      at(1000, () => t.consumer.stop().subscribe());
    });
    expect(abortedAt).toBe(100);
    expect(final).toMatchObject({ status: 'FAILURE', time_ended: 100, error: { code: 'RXP_ERR_TASK_SOFT_TIME_LIMIT' } });
  });

  it('should fail a job at the hard time limit, free its slot and ask for the worker to be replaced', () => {
    const limits: [number, HardTimeLimitEvent][] = [];
    let log: [number, string, string][] = [];
    let final: TaskRecord | null = null;
    let tornDown = -1;
    virtual(({ at, now }) => {
      const stuck = defineJob('stuck', () => NEVER.pipe(finalize(() => (tornDown = now()))));
      const t = setup([stuck, sleep], { concurrency: 1 });
      log = t.log;
      t.consumer.hardTimeLimit$.subscribe((event) => limits.push([now(), event]));
      t.consumer.start();
      t.client.submit(stuck, [], { id: 'h', hard_time_limit: 200 }).subscribe();
      t.client.submit(sleep, [5], { id: 'next' }).subscribe();
      at(1000, () => record(t.client, 'h', (task) => (final = task)));
      at(1000, () => t.consumer.stop().subscribe());
    });
    expect(limits).toEqual([[200, { task_id: 'h', job: 'stuck', worker: 'w1', attempt: 1, limit: 200 }]]);
    expect(tornDown).toBe(200);
    expect(final).toMatchObject({ status: 'FAILURE', time_ended: 200, error: { code: 'RXP_ERR_TASK_TIME_LIMIT' } });
    expect(of_(log, 'next').filter(([, s]) => s === 'STARTED')).toEqual([[200, 'STARTED']]);
  });

  it('should renew the lease of a long task so no other worker gets it', () => {
    let final: TaskRecord | null = null;
    let otherRan = 0;
    virtual(({ at }) => {
      const t = setup([sleep]);
      const other = new TaskConsumer({
        scheduler: vs(),
        backend: t.backend,
        registry: new JobRegistry([defineJob('sleep', () => void otherRan++)]),
        lease: 1000,
        poll_interval: 100,
        worker: 'w2',
      });
      t.consumer.start();
      t.client.submit(sleep, [5000], { id: 'long' }).subscribe(() => other.start());
      at(6000, () => record(t.client, 'long', (task) => (final = task)));
      at(6000, () => {
        t.consumer.stop().subscribe();
        other.stop().subscribe();
      });
    });
    expect(final).toMatchObject({ status: 'SUCCESS', worker: 'w1', attempt: 1, redeliveries: 0, result: 5000, time_ended: 5000 });
    expect(otherRan).toBe(0);
  });

  it('should redeliver the task of a hung worker to another once its lease runs out', () => {
    let final: TaskRecord | null = null;
    let log: [number, string, string][] = [];
    virtual(({ at }) => {
      const backend = new EmbeddedTaskBackend({ scheduler: vs() });
      // w1 hangs after claiming: none of its reports (start, renewals, result) reach the backend.
      const hung: TaskBackend = { ...bindAll(backend), report: () => NEVER };
      const t = setup([sleep], { worker: 'w1' }, hung);
      log = timeline(new TaskQueueClient({ scheduler: vs(), backend }));
      const w2 = new TaskConsumer({ scheduler: vs(), backend, registry: t.registry, lease: 1000, poll_interval: 100, worker: 'w2' });
      t.consumer.start();
      t.client.submit(sleep, [10], { id: 'job' }).subscribe(() => w2.start());
      at(1500, () => new TaskQueueClient({ scheduler: vs(), backend }).getTask('job').subscribe((task) => (final = task)));
      at(1500, () => {
        t.consumer.stop({ timeout: 1 }).subscribe();
        w2.stop().subscribe();
      });
    });
    expect(final).toMatchObject({ status: 'SUCCESS', worker: 'w2', attempt: 2, redeliveries: 1, time_ended: 1010 });
    expect(of_(log, 'job')).toEqual([
      [0, 'PENDING'],
      [0, 'RECEIVED'],
      [1000, 'RETRY'],
      [1000, 'RECEIVED'],
      [1000, 'STARTED'],
      [1010, 'partial'], // the one value the job's Observable emitted
      [1010, 'SUCCESS'],
    ]);
  });

  it('should stop a running job when its task is revoked, and take the next one', () => {
    let final: TaskRecord | null = null;
    let reason: unknown;
    let tornDown = -1;
    let log: [number, string, string][] = [];
    virtual(({ at, now }) => {
      const endless = defineJob('endless', (ctx) =>
        NEVER.pipe(
          finalize(() => {
            tornDown = now();
            reason = ctx.signal.reason;
          }),
        ),
      );
      const t = setup([endless, sleep], { concurrency: 1 });
      log = t.log;
      t.consumer.start();
      t.client.submit(endless, [], { id: 'e' }).subscribe();
      t.client.submit(sleep, [5], { id: 'next' }).subscribe();
      at(50, () => t.client.revoke('e', 'changed my mind').subscribe());
      at(200, () => record(t.client, 'e', (task) => (final = task)));
      at(200, () => t.consumer.stop().subscribe());
    });
    expect(tornDown).toBe(50);
    expect(reason).toMatchObject({ code: 'RXP_ERR_TASK_REVOKED' });
    expect(final).toMatchObject({ status: 'REVOKED', time_ended: 50 });
    expect(final!.error?.message).toContain('changed my mind');
    expect(of_(log, 'next').map(([time, s]) => `${time}:${s}`)).toContain('50:STARTED');
  });

  it('should revoke a task that expires while waiting, without running it', () => {
    let final: TaskRecord | null = null;
    let ran = false;
    virtual(({ at }) => {
      const late = defineJob('late', () => void (ran = true));
      const t = setup([sleep, late], { concurrency: 1 });
      t.consumer.start();
      t.client.submit(sleep, [100], { id: 'busy' }).subscribe();
      t.client.submit(late, [], { id: 'late', expires: 50 }).subscribe();
      at(500, () => record(t.client, 'late', (task) => (final = task)));
      at(500, () => t.consumer.stop().subscribe());
    });
    expect(ran).toBe(false);
    expect(final).toMatchObject({ status: 'REVOKED', attempt: 0, error: { code: 'RXP_ERR_TASK_EXPIRED' } });
    expect(final!.time_ended).toBeLessThanOrEqual(100);
  });

  it('should start a delayed task at its ETA, and higher priorities first', () => {
    let log: [number, string, string][] = [];
    virtual(({ at }) => {
      const t = setup([sleep], { concurrency: 1 });
      log = t.log;
      t.consumer.start();
      t.client.submit(sleep, [10], { id: 'blocker' }).subscribe();
      at(1, () => {
        t.client.submit(sleep, [10], { id: 'eta', delay: 332 }).subscribe();
        t.client.submit(sleep, [10], { id: 'low', priority: -5 }).subscribe();
        t.client.submit(sleep, [10], { id: 'high', priority: 5 }).subscribe();
      });
      at(1000, () => t.consumer.stop().subscribe());
    });
    const started = log.filter(([, , s]) => s === 'STARTED').map(([time, id]) => `${time}:${id}`);
    expect(started).toEqual(['0:blocker', '10:high', '20:low', '333:eta']);
  });

  it('should run identical requests of a non-overlapping job once', () => {
    let runs = 0;
    const seen: string[] = [];
    virtual(({ at }) => {
      const unique = defineJob('unique', (ctx, ms: number) => (runs++, timer(ms, ctx.scheduler).pipe(map(() => ms))), { can_overlap: false });
      const t = setup([unique]);
      t.consumer.start();
      t.client.submit(unique, [20]).subscribe((task) => seen.push(task.id));
      at(5, () => t.client.submit(unique, [20]).subscribe((task) => seen.push(task.id)));
      at(5, () => t.client.submit(unique, [30]).subscribe((task) => seen.push(task.id)));
      at(100, () => t.consumer.stop().subscribe());
    });
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
    expect(runs).toBe(2);
  });

  it('should fail a task whose job the worker does not know', () => {
    let final: TaskRecord | null = null;
    virtual(({ at }) => {
      const backend = new EmbeddedTaskBackend({ scheduler: vs() });
      const t = setup([sleep], {}, backend);
      const blind = new TaskQueueClient({ scheduler: vs(), backend }); // no registry: any name goes
      t.consumer.start();
      blind.submit('nope', [], { id: 'n', max_retries: 3 }).subscribe();
      at(100, () => record(t.client, 'n', (task) => (final = task)));
      at(100, () => t.consumer.stop().subscribe());
    });
    expect(final).toMatchObject({ status: 'FAILURE', retries: 0, error: { code: 'RXP_ERR_JOB_NOT_REGISTERED' } });
  });

  it('should let running tasks finish on stop, then complete, and claim nothing more', () => {
    let stoppedAt = -1;
    let log: [number, string, string][] = [];
    virtual(({ at, now }) => {
      const t = setup([sleep], { concurrency: 1 });
      log = t.log;
      t.consumer.start();
      t.client.submit(sleep, [100], { id: 'a' }).subscribe();
      t.client.submit(sleep, [100], { id: 'b' }).subscribe();
      at(10, () => t.consumer.stop().subscribe({ complete: () => (stoppedAt = now()) }));
    });
    expect(stoppedAt).toBe(100);
    expect(of_(log, 'a').pop()).toEqual([100, 'SUCCESS']);
    expect(of_(log, 'b')).toEqual([[0, 'PENDING']]);
  });

  it('should abort and hand back running tasks when stop times out', () => {
    let final: TaskRecord | null = null;
    let aborted: unknown;
    virtual(({ at }) => {
      const endless = defineJob('endless', (ctx) => NEVER.pipe(finalize(() => (aborted = ctx.signal.reason))));
      const t = setup([endless]);
      t.consumer.start();
      t.client.submit(endless, [], { id: 'e' }).subscribe();
      at(10, () => t.consumer.stop({ timeout: 100 }).subscribe());
      at(200, () => record(t.client, 'e', (task) => (final = task)));
    });
    expect(aborted).toMatchObject({ code: 'RXP_ERR_ACTOR_STOPPED' });
    expect(final).toMatchObject({ status: 'RETRY', redeliveries: 1, attempt: 1 });
  });

  it('should validate its options', () => {
    const backend = new EmbeddedTaskBackend({ scheduler: vs() });
    const registry = new JobRegistry();
    expect(() => new TaskConsumer({ scheduler: vs(), backend, registry, concurrency: 0 })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
    expect(() => new TaskConsumer({ scheduler: vs(), backend, registry, lease: -1 })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
  });
});

/** The backend's methods bound to it, to build a wrapper with some replaced. */
function bindAll(backend: EmbeddedTaskBackend): TaskBackend {
  return {
    enqueue: backend.enqueue.bind(backend),
    claim: backend.claim.bind(backend),
    report: backend.report.bind(backend),
    revoke: backend.revoke.bind(backend),
    releaseWorker: backend.releaseWorker.bind(backend),
    get: backend.get.bind(backend),
    query: backend.query.bind(backend),
    watch: backend.watch.bind(backend),
    signals: backend.signals.bind(backend),
    maintain: backend.maintain.bind(backend),
    stats: backend.stats.bind(backend),
    close: backend.close.bind(backend),
  };
}
