import { createTaskQueue, defineJob, type LocalTaskQueue } from 'rxpulsar/apps/tasks';

const addition = defineJob('addition', (_ctx, a: number, b: number) => a + b, { doc: 'Adds two numbers.' });
const tick = defineJob('tick', () => 1, { schedule: { every: 3_600_000 } });
const hold = defineJob('hold', (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('stopped'))));

describe('TaskQueueRpc', () => {
  let tq: LocalTaskQueue;
  beforeEach(() => {
    tq = createTaskQueue({ jobs: [addition, tick, hold], concurrency: 2 });
  });
  afterEach(() => tq.close(100));

  it('should run a new task by position or by name and wait for it', async () => {
    const queued = await tq.rpc.run_new_task('addition', [1, 2]);
    expect(queued).toMatchObject({ job: 'addition', args: [1, 2], status: 'PENDING' });
    const done = await tq.rpc.wait_for_task(queued.id);
    expect(done).toMatchObject({ id: queued.id, status: 'SUCCESS', result: 3 });
    const named = await tq.rpc.run_new_task({ jobname: 'addition', args: [5, 5], meta_data: { priority: 3 }, wait: true });
    expect(named).toMatchObject({ status: 'SUCCESS', result: 10, priority: 3 });
    expect(await tq.rpc.wait_for_task({ id: named.id, timeout: 1000 })).toMatchObject({ result: 10 });
  });

  it('should answer Invalid params (-32602) for an unknown job or bad parameters', async () => {
    await expect(tq.rpc.run_new_task('nope')).rejects.toMatchObject({ code: 'RXP_ERR_JOB_NOT_REGISTERED', rpcCode: -32602 });
    await expect(tq.rpc.run_new_task()).rejects.toMatchObject({ code: 'RXP_ERR_INVALID_ARGUMENT', rpcCode: -32602 });
    await expect(tq.rpc.run_new_task('addition', 'x')).rejects.toMatchObject({ code: 'RXP_ERR_INVALID_ARGUMENT' });
    await expect(tq.rpc.get_tasks({ colour: 'red' })).rejects.toMatchObject({ code: 'RXP_ERR_INVALID_ARGUMENT' });
    await expect(tq.rpc.get_tasks({ status: 'DONE' })).rejects.toMatchObject({ code: 'RXP_ERR_INVALID_ARGUMENT' });
    await expect(tq.rpc.wait_for_task('missing')).rejects.toMatchObject({ code: 'RXP_ERR_TASK_NOT_FOUND', rpcCode: -32020 });
    await expect(tq.rpc.revoke_task('missing')).rejects.toMatchObject({ code: 'RXP_ERR_TASK_NOT_FOUND' });
  });

  it('should get one task, and tasks by filter without duplicates', async () => {
    const a = await tq.rpc.run_new_task('addition', [1, 1], undefined, true);
    const b = await tq.rpc.run_new_task('addition', [2, 2], undefined, true);
    expect(await tq.rpc.get_task(a.id)).toMatchObject({ id: a.id, result: 2 });
    expect(await tq.rpc.get_task({ id: 'missing' })).toBeNull();
    const both = await tq.rpc.get_tasks({ job: ['addition', 'addition'], status: ['SUCCESS', 'SUCCESS'] });
    expect(both.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    expect(await tq.rpc.get_tasks({ filter: { ids: [b.id] } })).toHaveLength(1);
    expect(await tq.rpc.get_tasks()).toHaveLength(2);
  });

  it('should revoke a running task', async () => {
    const task = await tq.rpc.run_new_task('hold');
    const stop = tq.client.waitForTask(task.id);
    expect(await tq.rpc.revoke_task(task.id, 'enough')).toBe('REVOKED');
    const final = await new Promise((resolve) => stop.subscribe(resolve));
    expect(final).toMatchObject({ status: 'REVOKED', error: { message: expect.stringContaining('enough') } });
    expect(await tq.rpc.revoke_task({ id: task.id })).toBe('REVOKED');
  });

  it('should list jobs and the next scheduled task', async () => {
    const jobs = await tq.rpc.job_list();
    expect(jobs.map((j) => [j.name, j.type])).toEqual([
      ['addition', 'regular'],
      ['hold', 'regular'],
      ['tick', 'periodic'],
    ]);
    expect(await tq.rpc.job_list({ jobnames: 'addition' })).toEqual([
      { name: 'addition', doc: 'Adds two numbers.', type: 'regular', can_overlap: true, queue: 'default' },
    ]);
    const next = await tq.rpc.next_scheduled_tasks();
    expect(next).toMatchObject({ job: 'tick' });
    expect(next!.time_to_run).toBeLessThanOrEqual(3_600_000);
    expect(await tq.rpc.next_scheduled_tasks(['addition'])).toBeNull();
    await expect(tq.rpc.job_list(42)).rejects.toMatchObject({ code: 'RXP_ERR_INVALID_ARGUMENT' });
  });
});
