/**
 * The task queue application as users run it: its own process tree, workers re-running the
 * main script (cluster style), jobs from `--tasks-path`, periodic jobs, a graceful SIGTERM, inline
 * workers, and the Redis backend shared by the arbiter and every worker. Every child is killed
 * in afterEach/afterAll; every wait is bounded.
 */
import type { TaskEvent } from 'rxpulsar/apps/tasks';
import { ChildScript } from '../../../helpers/child';
import { processAlive } from '../../../helpers/events';
import { startRedisServer, type RedisServer } from '../../../helpers/redis-server';
import type { Place } from '../../../fixtures/tasks/jobs';

const APP = 'spec/fixtures/tasks/app.ts';
const JOBS = 'spec/fixtures/tasks/jobs.ts';
const PERIODIC = 'spec/fixtures/tasks/periodic.ts';

/** The events printed for the command `ref`. */
function taskEvents(tree: ChildScript, ref: string): TaskEvent[] {
  const prefix = `TASK ${ref} `;
  return tree.lines.filter((l) => l.startsWith(prefix)).map((l) => JSON.parse(l.slice(prefix.length)) as TaskEvent);
}

function command(tree: ChildScript, body: Record<string, unknown>): void {
  tree.child.stdin!.write(`${JSON.stringify(body)}\n`);
}

/** Queues a task in the tree and resolves with its last event. */
async function run(tree: ChildScript, ref: string, queue: string, args: unknown[], options: Record<string, unknown> = {}, ms = 20_000): Promise<TaskEvent> {
  command(tree, { ref, queue, args, options });
  return tree.until(
    () => taskEvents(tree, ref).find((e) => e.type === 'status' && ['SUCCESS', 'FAILURE', 'REVOKED'].includes(e.status)),
    ms,
    `task ${ref} done`,
  );
}

const started = (tree: ChildScript) => tree.events.filter((e) => e.type === 'actor:started');

describe('TaskQueue as a process tree', () => {
  let tree: ChildScript | undefined;
  afterEach(() => tree?.kill());

  it('should load jobs from --tasks-path in re-run process workers, queue periodic jobs, and drain a running task on SIGTERM', async () => {
    const t = (tree = new ChildScript(APP, ['--tasks-path', `${JOBS},${PERIODIC}`, '--workers', '2', '--concurrency', 'process', '--graceful-timeout', '10']));
    await t.until(() => t.lines.includes('READY'), 30_000, 'READY');
    const pids = started(t).map((e) => e.pid!);
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(t.child.pid);

    expect(await run(t, 'add', 'addition', [40, 50])).toMatchObject({ status: 'SUCCESS', result: 90 });

    // The arbiter's periodic scheduler queues `beat` every 300 ms, one task per slot.
    command(t, { ref: 'beats', watch: { job: 'beat', status: 'SUCCESS' } });
    const beats = await t.until(() => {
      const done = taskEvents(t, 'beats');
      return done.length >= 3 && done;
    }, 10_000, 'three beats');
    expect(new Set(beats.map((b) => b.id)).size).toBe(beats.length);
    for (const beat of beats) expect(beat.id).toMatch(/^beat@\d+$/);

    // SIGTERM while a task runs: the worker finishes it (graceful_timeout 10 s) before the tree exits 0.
    command(t, { ref: 'hold', queue: 'hold', args: [1500] });
    await t.until(() => taskEvents(t, 'hold').find((e) => e.type === 'progress'), 10_000, 'hold started');
    t.child.kill('SIGTERM');
    const exit = await t.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const last = taskEvents(t, 'hold').pop()!;
    expect(last).toMatchObject({ status: 'SUCCESS', attempt: 1 });
    expect(pids.some(processAlive)).toBe(false);
  }, 60_000);

  it('should run inline workers in the arbiter process', async () => {
    const t = (tree = new ChildScript(APP, ['--tasks-path', JOBS, '--workers', '2', '--concurrency', 'inline']));
    await t.until(() => t.lines.includes('READY'), 30_000, 'READY');
    const done = await run(t, 'hold', 'hold', [10, 0]);
    expect(done.status).toBe('SUCCESS');
    expect((done.result as Place).pid).toBe(t.child.pid);
    // A hung inline job cannot exit its host (the arbiter): its worker stops and is restarted.
    const hung = await run(t, 'hang', 'hang', [5], { hard_time_limit: 200 });
    expect(hung).toMatchObject({ status: 'FAILURE' });
    expect(hung.error?.code).toBe('RXP_ERR_TASK_TIME_LIMIT');
    await t.until(() => t.events.find((e) => e.type === 'actor:restarted'), 15_000, 'restart');
    expect(await run(t, 'add', 'addition', [1, 2])).toMatchObject({ status: 'SUCCESS', result: 3 });
    t.child.kill('SIGTERM');
    expect((await t.exited).code).toBe(0);
  }, 60_000);

  describe('on Redis (--task-backend)', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      tree?.kill();
      await redis?.stop();
    });

    it('should share one Redis between the arbiter and its workers, and finish a killed worker\'s task elsewhere', async () => {
      const t = (tree = new ChildScript(APP, ['--tasks-path', JOBS, '--workers', '2', '--concurrency', 'process', '--task-concurrency', '1', '--task-backend', redis.url]));
      await t.until(() => t.lines.includes('READY'), 30_000, 'READY');
      expect(await run(t, 'add', 'addition', [40, 50])).toMatchObject({ status: 'SUCCESS', result: 90 });

      command(t, { ref: 'hold', queue: 'hold', args: [60_000] });
      const progress = await t.until(() => taskEvents(t, 'hold').find((e) => e.type === 'progress'), 15_000, 'hold started');
      const place = progress.progress as Place;
      process.kill(place.pid, 'SIGKILL');
      const final = await t.until(() => taskEvents(t, 'hold').find((e) => e.status === 'SUCCESS'), 20_000, 'hold done');
      expect(final.attempt).toBe(2);
      expect((final.result as Place).pid).not.toBe(place.pid);
      expect(t.events.find((e) => e.type === 'actor:crashed')?.reason).toBe('killed by SIGKILL');
      t.child.kill('SIGTERM');
      expect((await t.exited).code).toBe(0);
    }, 60_000);
  });
});
