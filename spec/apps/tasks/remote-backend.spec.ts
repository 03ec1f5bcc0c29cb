import { map, Observable, timer } from 'rxjs';
import {
  createRemoteBackend,
  defineJob,
  EmbeddedTaskBackend,
  exposeBackend,
  JobRegistry,
  TASK_COMMANDS,
  TaskConsumer,
  TaskQueueClient,
  type TaskCommandHandlers,
  type TaskEvent,
  type TaskRecord,
  type TaskTransport,
} from 'rxpulsar/apps/tasks';
import { virtual, vs } from './virtual-time';

/**
 * A stand-in for `send('arbiter', command, ...args)`: every argument, value and error crosses
 * as JSON, and unsubscribing tears the remote handler down (logged as `-command`).
 */
function fakeTransport(handlers: TaskCommandHandlers, log: string[]): TaskTransport {
  const wire = <T>(value: T): T => (value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T));
  return (command, ...args) =>
    new Observable<unknown>((subscriber) => {
      const handler = handlers[command];
      if (!handler) {
        subscriber.error(Object.assign(new Error(`Unknown command "${command}"`), { code: 'RXP_ERR_UNKNOWN_COMMAND' }));
        return undefined;
      }
      log.push(`+${command}`);
      const remote = handler(...wire(args)).subscribe({
        next: (value) => subscriber.next(wire(value)),
        error: (error: Error & { code?: string }) => subscriber.error(Object.assign(new Error(error.message), { code: error.code })),
        complete: () => subscriber.complete(),
      });
      return () => {
        if (!remote.closed) log.push(`-${command}`);
        remote.unsubscribe();
      };
    });
}

const stream = defineJob('stream', (ctx, n: number) =>
  timer(5, ctx.scheduler).pipe(
    map(() => {
      ctx.progress(n);
      return n * 2;
    }),
  ),
);

describe('createRemoteBackend / exposeBackend', () => {
  it('should expose every backend operation under a task_ command name', () => {
    const handlers = exposeBackend(new EmbeddedTaskBackend({ scheduler: vs() }));
    expect(Object.keys(handlers).sort()).toEqual(TASK_COMMANDS.map((c) => `task_${c}`).sort());
    expect(Object.keys(exposeBackend(new EmbeddedTaskBackend({ scheduler: vs() }), { prefix: 'q.' }))).toContain('q.claim');
  });

  it('should run producers and workers against a backend held elsewhere, through a command transport', () => {
    const log: string[] = [];
    const events: string[] = [];
    let final: TaskRecord | null = null;
    let result: unknown;
    virtual(({ at }) => {
      const arbiterBackend = new EmbeddedTaskBackend({ scheduler: vs() });
      const transport = fakeTransport(exposeBackend(arbiterBackend), log);
      const registry = new JobRegistry([stream]);
      // the worker and the producer each build their own remote view of the arbiter's backend
      const worker = new TaskConsumer({ scheduler: vs(), backend: createRemoteBackend(transport), registry, worker: 'remote-1', poll_interval: 100 }).start();
      const client = new TaskQueueClient({ scheduler: vs(), backend: createRemoteBackend(transport), registry });
      client.queue(stream, [21], { id: 'r' }).subscribe((e: TaskEvent) => events.push(e.type === 'status' ? e.status : e.type));
      client.result(stream, [1]).subscribe((v) => (result = v));
      at(50, () => client.getTask('r').subscribe((task) => (final = task)));
      at(60, () => worker.stop().subscribe());
    });
    expect(events).toEqual(['PENDING', 'RECEIVED', 'STARTED', 'progress', 'partial', 'SUCCESS']);
    expect(final).toMatchObject({ status: 'SUCCESS', result: 42, progress: 21, worker: 'remote-1' });
    expect(result).toBe(2);
    // streams were cancelled on the remote side once done: every watch and the worker's signal feed
    const opened = (c: string) => log.filter((l) => l === `+${c}`).length;
    const closed = (c: string) => log.filter((l) => l === `-${c}`).length;
    expect(opened('task_watch')).toBe(2);
    expect(closed('task_watch')).toBe(2);
    expect(closed('task_signals')).toBe(1);
    expect(opened('task_claim')).toBeGreaterThan(0);
    expect(opened('task_report')).toBeGreaterThan(0);
  });

  it('should carry errors and null replies across the transport', () => {
    const out: unknown[] = [];
    virtual(() => {
      const backend = createRemoteBackend(fakeTransport(exposeBackend(new EmbeddedTaskBackend({ scheduler: vs() })), []));
      backend.get('missing').subscribe((v) => out.push(v));
      backend.revoke('missing').subscribe((v) => out.push(v));
      backend.maintain().subscribe((v) => out.push(v));
      createRemoteBackend(fakeTransport({}, []))
        .stats()
        .subscribe({ error: (e: { code: string }) => out.push(e.code) });
    });
    expect(out).toEqual([null, null, undefined, 'RXP_ERR_UNKNOWN_COMMAND']);
  });

  it('should cancel a running task from a remote producer by unsubscribing', () => {
    let final: TaskRecord | null = null;
    let aborted = -1;
    virtual(({ at, now }) => {
      const arbiterBackend = new EmbeddedTaskBackend({ scheduler: vs() });
      const transport = fakeTransport(exposeBackend(arbiterBackend), []);
      const endless = defineJob(
        'endless',
        (ctx) => new Observable<never>(() => () => (aborted = ctx.signal.aborted ? now() : -2)),
      );
      const worker = new TaskConsumer({ scheduler: vs(), backend: createRemoteBackend(transport), registry: new JobRegistry([endless]), poll_interval: 100 }).start();
      const client = new TaskQueueClient({ scheduler: vs(), backend: createRemoteBackend(transport) });
      const sub = client.queue(endless, [], { id: 'x' }).subscribe();
      at(30, () => sub.unsubscribe());
      at(40, () => client.getTask('x').subscribe((task) => (final = task)));
      at(50, () => worker.stop().subscribe());
    });
    expect(aborted).toBe(30);
    expect(final).toMatchObject({ status: 'REVOKED', time_ended: 30 });
  });
});
