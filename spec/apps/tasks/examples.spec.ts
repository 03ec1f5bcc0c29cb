import { createTaskQueue, type TaskEvent, type TaskRecord } from 'rxpulsar/apps/tasks';
import { exampleJobs } from '../../../apps/tasks/examples/jobs';
import { virtual, vs } from './virtual-time';

/** pulsar's example jobs, run end to end on one in-process queue in virtual time. */
describe('example jobs', () => {
  function run(scenario: (tq: ReturnType<typeof createTaskQueue>, at: (t: number, f: () => void) => void) => void, until = 10_000) {
    virtual(({ at }) => {
      const tq = createTaskQueue({ scheduler: vs(), jobs: exampleJobs, concurrency: 4, random: () => 0.5 });
      scenario(tq, at);
      at(until, () => void tq.close(0));
    });
  }

  it('addition adds; valueerrortask fails', () => {
    const out: unknown[] = [];
    run((tq) => {
      tq.client.result('addition', [1, 2]).subscribe((v) => out.push(v));
      tq.client.result('valueerrortask', []).subscribe({ error: (e: { code: string; data: { message: string } }) => out.push(e.code, e.data.message) });
    });
    expect(out).toEqual([3, 'RXP_ERR_TASK_FAILED', 'kaputt']);
  });

  it('asynchronous yields N times, each a partial result and a progress report', () => {
    const events: string[] = [];
    run((tq) => {
      tq.client
        .queue('asynchronous', [3])
        .subscribe((e: TaskEvent) => events.push(e.type === 'status' ? e.status : `${e.type}=${JSON.stringify(e.value ?? e.progress)}`));
    });
    expect(events).toEqual([
      'PENDING',
      'RECEIVED',
      'STARTED',
      'progress={"done":1,"of":3}',
      'partial=1',
      'progress={"done":2,"of":3}',
      'partial=2',
      'progress={"done":3,"of":3}',
      'partial=3',
      'SUCCESS',
    ]);
  });

  it('notoverlap hands back the running task to identical requests', () => {
    const ids: string[] = [];
    let count = 0;
    run((tq, at) => {
      tq.client.submit('notoverlap', [100]).subscribe((t) => ids.push(t.id));
      at(50, () => tq.client.submit('notoverlap', [100]).subscribe((t) => ids.push(t.id)));
      at(500, () => tq.client.getTasks({ job: 'notoverlap' }).subscribe((found) => (count = found.length)));
    });
    expect(ids[0]).toBe(ids[1]);
    expect(count).toBe(1);
  });

  it('producer spawns 10 sub-tasks that keep their lineage', () => {
    let children: TaskRecord[] = [];
    let ids: unknown;
    run((tq, at) => {
      tq.client.submit('producer', [10], { id: 'parent' }).subscribe();
      at(1, () => tq.client.waitForTask('parent').subscribe((t) => (ids = t.result)));
      at(1000, () => tq.client.getTasks({ from_task: 'parent' }).subscribe((found) => (children = found)));
    });
    expect(children).toHaveLength(10);
    expect(children.every((c) => c.status === 'SUCCESS' && c.job === 'addition')).toBe(true);
    expect(children.map((c) => c.result).sort((a, b) => (a as number) - (b as number))).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect([...(ids as string[])].sort()).toEqual(children.map((c) => c.id).sort());
  });

  it('checkworkers runs every 5 seconds', () => {
    let runs: TaskRecord[] = [];
    run(
      (tq, at) => {
        at(16_000, () => tq.client.getTasks({ job: 'checkworkers' }).subscribe((found) => (runs = found)));
      },
      16_001,
    );
    expect(runs.map((r) => [r.time_queued, r.status, r.result])).toEqual([
      [5000, 'SUCCESS', { time: 5000 }],
      [10000, 'SUCCESS', { time: 10000 }],
      [15000, 'SUCCESS', { time: 15000 }],
    ]);
  });

  it('standarddeviation fans out to summoments sub-tasks', () => {
    const data = Array.from({ length: 95 }, (_, i) => (i * 7919) % 101);
    const mean = data.reduce((a, b) => a + b, 0) / data.length;
    const expected = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length);
    let result = 0;
    let parts = 0;
    run((tq, at) => {
      tq.client.result('standarddeviation', [data, 10], { id: 'sd' }).subscribe((v) => (result = v as number));
      at(1000, () => tq.client.getTasks({ from_task: 'sd', job: 'summoments' }).subscribe((found) => (parts = found.length)));
    });
    expect(result).toBeCloseTo(expected, 9);
    expect(parts).toBe(10);
  });
});
