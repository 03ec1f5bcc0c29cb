import { ChildScript } from '../helpers/child';
import { processAlive } from '../helpers/events';
import type { ActorEvent } from 'rxpulsar';

const started = (events: ActorEvent[]): ActorEvent[] => events.filter((e) => e.type === 'actor:started');

describe('process tree lifecycle (signals)', () => {
  let tree: ChildScript | undefined;
  afterEach(() => tree?.kill());

  it('SIGHUP replaces every worker (new one ready before the old drains); SIGTERM exits 0 leaving no process', async () => {
    tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'process', '--timeout', '5']);
    await tree.url();
    const t = tree;
    const first = await t.until(() => started(t.events).length >= 2 && started(t.events).slice(0, 2), 20_000, 'two workers');
    const oldPids = first.map((e) => e.pid!);
    const oldAids = first.map((e) => e.aid);
    expect(oldPids.every(processAlive)).toBe(true);

    t.child.kill('SIGHUP');
    await t.until(() => oldAids.every((aid) => t.events.some((e) => e.aid === aid && e.type === 'actor:stopped')), 20_000, 'old workers stopped');
    const fresh = started(t.events).filter((e) => !oldAids.includes(e.aid));
    expect(fresh).toHaveLength(2);
    // Rolling: the k-th old worker is told to stop only after k+1 new workers are running.
    const stoppings = t.events.filter((e) => oldAids.includes(e.aid) && e.type === 'actor:stopping').sort((a, b) => a.time - b.time);
    for (const [k, stopping] of stoppings.entries()) {
      expect(stopping.reason).toBe('rolling restart');
      expect(fresh.filter((e) => e.time <= stopping.time).length).toBeGreaterThanOrEqual(k + 1);
    }
    const newPids = fresh.map((e) => e.pid!);
    expect(newPids.some((pid) => oldPids.includes(pid))).toBe(false);
    expect(oldPids.some(processAlive)).toBe(false);

    t.child.kill('SIGTERM');
    const exit = await t.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect([...oldPids, ...newPids].some(processAlive)).toBe(false);
  }, 60_000);

  it('SIGTERM stops thread workers too and exits 0', async () => {
    tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'thread']);
    await tree.url();
    tree.child.kill('SIGTERM');
    expect(await tree.exited).toEqual({ code: 0, signal: null });
    expect(tree.events.filter((e) => e.type === 'actor:stopped')).toHaveLength(2);
  }, 30_000);
});
