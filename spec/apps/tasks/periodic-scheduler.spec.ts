import {
  compileSchedule,
  defineJob,
  EmbeddedTaskBackend,
  JobRegistry,
  PeriodicScheduler,
  TaskQueueClient,
  type TaskRecord,
} from 'rxpulsar/apps/tasks';
import { virtual, vs } from './virtual-time';

describe('PeriodicScheduler', () => {
  it('should queue an `every` job at each anchored slot', () => {
    let tasks: TaskRecord[] = [];
    let entries: unknown;
    virtual(({ at }) => {
      const tick = defineJob('tick', () => 1, { schedule: { every: 5000, anchor: 1000, args: ['x'] } });
      const backend = new EmbeddedTaskBackend({ scheduler: vs() });
      const client = new TaskQueueClient({ scheduler: vs(), backend, registry: new JobRegistry([tick]) });
      const periodic = new PeriodicScheduler({ client, scheduler: vs() }).start();
      client.attachPeriodic(periodic);
      at(16_500, () => {
        periodic.stop();
        entries = periodic.entries();
        client.getTasks({ job: 'tick' }).subscribe((found) => (tasks = found));
      });
    });
    expect(tasks.map((t) => [t.id, t.time_queued, t.args])).toEqual([
      ['tick@1000', 1000, ['x']],
      ['tick@6000', 6000, ['x']],
      ['tick@11000', 11000, ['x']],
      ['tick@16000', 16000, ['x']],
    ]);
    expect(entries).toEqual([{ job: 'tick', next_run: 21_000, runs_count: 4, last_run: 16_000 }]);
  });

  it('should follow a cron expression in its timezone', () => {
    let tasks: TaskRecord[] = [];
    virtual(({ at }) => {
      // 09:00 in Rome is 08:00 UTC in January 1970 (CET, UTC+1)
      const morning = defineJob('morning', () => 1, { schedule: { cron: '0 9 * * *', tz: 'Europe/Rome' } });
      const client = new TaskQueueClient({ scheduler: vs(), backend: new EmbeddedTaskBackend({ scheduler: vs() }), registry: new JobRegistry([morning]) });
      const periodic = new PeriodicScheduler({ client, scheduler: vs() }).start();
      at(2 * 86_400_000, () => {
        periodic.stop();
        client.getTasks({}).subscribe((found) => (tasks = found));
      });
    });
    expect(tasks.map((t) => new Date(t.time_queued).toISOString())).toEqual(['1970-01-01T08:00:00.000Z', '1970-01-02T08:00:00.000Z']);
  });

  it('should queue each slot once when several schedulers share a backend', () => {
    let tasks: TaskRecord[] = [];
    const runs: number[] = [];
    virtual(({ at }) => {
      const tick = defineJob('tick', () => 1, { schedule: { every: 1000 } });
      const backend = new EmbeddedTaskBackend({ scheduler: vs() });
      const schedulers = [1, 2, 3].map(() => new PeriodicScheduler({ client: new TaskQueueClient({ scheduler: vs(), backend, registry: new JobRegistry([tick]) }) }).start());
      at(3500, () => {
        for (const s of schedulers) {
          s.stop();
          runs.push(s.entries()[0].runs_count);
        }
        new TaskQueueClient({ scheduler: vs(), backend }).getTasks({ job: 'tick' }).subscribe((found) => (tasks = found));
      });
    });
    expect(tasks.map((t) => t.id)).toEqual(['tick@1000', 'tick@2000', 'tick@3000']);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('should run the latest missed slot once, not replay every missed one', () => {
    let tasks: TaskRecord[] = [];
    virtual(({ at, scheduler }) => {
      const tick = defineJob('tick', () => 1, { schedule: { every: 1000 } });
      const client = new TaskQueueClient({ scheduler: vs(), backend: new EmbeddedTaskBackend({ scheduler: vs() }), registry: new JobRegistry([tick]) });
      // a scheduler whose timer fires late (a blocked event loop): now jumps 3.5 slots ahead
      let skew = 0;
      const late = { now: () => scheduler.now() + skew, schedule: scheduler.schedule.bind(scheduler) } as typeof scheduler;
      const periodic = new PeriodicScheduler({ client, scheduler: late }).start();
      at(999, () => (skew = 3500));
      at(1400, () => {
        periodic.stop();
        client.getTasks({}).subscribe((found) => (tasks = found));
      });
    });
    // the timer meant for slot 1000 fires at 4500: slots 1000-3000 are skipped, 4000 runs
    expect(tasks.map((t) => t.id)).toEqual(['tick@4000']);
  });

  it('should reject invalid schedules with RXP_ERR_INVALID_SCHEDULE', () => {
    expect(() => compileSchedule('a', { every: 0 })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SCHEDULE' }));
    expect(() => compileSchedule('b', { cron: 'not a cron' })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SCHEDULE' }));
    expect(() => compileSchedule('c', { cron: '* * * * *', tz: 'Nowhere/Void' })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SCHEDULE' }));
    const every = compileSchedule('d', { every: 10, anchor: new Date(3) });
    expect([every.next(3), every.next(12), every.next(13), every.latest(22), every.latest(2)]).toEqual([13, 13, 23, 13, -7]);
    const cron = compileSchedule('e', { cron: '*/5 * * * *' });
    expect([cron.next(0), cron.next(300_000), cron.latest(300_000), cron.latest(299_999)]).toEqual([300_000, 600_000, 300_000, 0]);
  });
});
