import { connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('SIGTTIN adds a worker and SIGTTOU removes one', async () => {
    const t = (tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--workers', '1', '--concurrency', 'thread']));
    await t.url();
    t.child.kill('SIGTTIN');
    await t.until(() => started(t.events).length === 2, 15_000, 'second worker');
    expect(t.events.find((e) => e.type === 'monitor:scaled')?.data).toEqual({ from: 1, to: 2 });
    t.child.kill('SIGTTOU');
    await t.until(() => t.events.some((e) => e.type === 'actor:stopped' && e.reason === 'exit code 0'), 15_000, 'one worker stopped');
    const youngest = started(t.events)[1].aid;
    expect(t.events.find((e) => e.type === 'actor:stopping')).toMatchObject({ aid: youngest, reason: 'scale down' });
    t.child.kill('SIGTERM');
    expect((await t.exited).code).toBe(0);
  }, 30_000);

  it('recycles a worker after max_requests: the new one starts, then the old one drains', async () => {
    const t = (tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--workers', '1', '--concurrency', 'thread', '--max-requests', '5', '--timeout', '1']));
    const url = new URL(await t.url());
    const first = await t.until(() => started(t.events)[0], 15_000, 'worker');
    const socket = connect(Number(url.port), '127.0.0.1');
    let echoed = '';
    socket.on('data', (d: Buffer) => (echoed += d.toString()));
    for (let i = 0; i < 6; i++) {
      const reply = new Promise((resolve) => socket.once('data', resolve));
      socket.write(`${i}`);
      await reply;
    }
    expect(echoed).toBe('012345');
    await t.until(() => t.events.some((e) => e.aid === first.aid && e.type === 'actor:stopped'), 15_000, 'recycled');
    const stopping = t.events.find((e) => e.aid === first.aid && e.type === 'actor:stopping')!;
    expect(stopping.reason).toBe('max_requests 5 reached');
    const replacement = started(t.events).find((e) => e.aid !== first.aid)!;
    expect(replacement.time).toBeLessThanOrEqual(stopping.time);
    socket.destroy();
    t.child.kill('SIGTERM');
    expect((await t.exited).code).toBe(0);
  }, 30_000);

  it('writes the pidfile, refuses a second server on it, removes it on exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxp-pid-'));
    const pidfile = join(dir, 'server.pid');
    try {
      const t = (tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--concurrency', 'inline', '--pidfile', pidfile]));
      await t.url();
      expect(readFileSync(pidfile, 'utf8').trim()).toBe(String(t.child.pid));
      const second = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--concurrency', 'inline', '--pidfile', pidfile]);
      const exit = await second.exited;
      expect(exit.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`rxpulsar: error: Pidfile "${pidfile}" holds the live pid ${t.child.pid}`));
      t.child.kill('SIGTERM');
      expect((await t.exited).code).toBe(0);
      expect(existsSync(pidfile)).toBe(false);
      // A stale pidfile (dead pid) does not block a start.
      writeFileSync(pidfile, '999999\n');
      const third = (tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--concurrency', 'inline', '--pidfile', pidfile]));
      await third.url();
      third.child.kill('SIGQUIT');
      expect((await third.exited).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('a second SIGINT forces the exit while workers are still draining', async () => {
    const t = (tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'process', '--graceful-timeout', '30']));
    const url = new URL(await t.url());
    const pids = (await t.until(() => started(t.events).length >= 2 && started(t.events), 15_000, 'workers')).map((e) => e.pid!);
    // An open echo connection keeps a worker draining for up to graceful_timeout.
    const socket = connect(Number(url.port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('end', () => undefined);
    socket.pause();
    t.child.kill('SIGINT');
    await t.until(() => t.events.some((e) => e.type === 'arbiter:stopping'), 5000, 'stopping');
    t.child.kill('SIGINT');
    const exit = await t.exited;
    expect(exit.code).toBe(1);
    expect(pids.some(processAlive)).toBe(false);
    socket.destroy();
  }, 30_000);

  it('leaves no orphan when the arbiter is killed with SIGKILL', async () => {
    const t = (tree = new ChildScript('spec/fixtures/apps/tree.ts', ['--bind', '127.0.0.1:0', '--workers', '2', '--concurrency', 'process']));
    await t.url();
    const pids = (await t.until(() => started(t.events).length >= 2 && started(t.events), 15_000, 'workers')).map((e) => e.pid!);
    t.child.kill('SIGKILL');
    await t.exited;
    const deadline = Date.now() + 5000;
    while (pids.some(processAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pids.filter(processAlive)).toEqual([]);
  }, 30_000);
});
