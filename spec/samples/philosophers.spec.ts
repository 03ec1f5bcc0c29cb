/**
 * Dining philosophers: the fork table's rules (unit, no timers), then the sample for real —
 * five thread workers for 10 seconds, read from the table's events — and its command line.
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Subscription, lastValueFrom, takeUntil, timer, toArray } from 'rxjs';
import { arbiter } from 'rxpulsar';
import { DiningPhilosophers } from '../../samples/philosophers/dining-philosophers';
import { ForkTable, type PhilosopherEvent } from '../../samples/philosophers/forks';

describe('ForkTable', () => {
  const seated = (size = 5) => {
    const table = new ForkTable(size, () => 0);
    const events: PhilosopherEvent[] = [];
    table.events$.subscribe((e) => events.push(e));
    const names = Array.from({ length: size }, (_, i) => `p${i}`);
    const seats = names.map((n) => table.join(n)!);
    return { table, events, names, seats };
  };

  it('should seat philosophers with their lower-numbered fork first, and refuse one too many', () => {
    const { table, seats } = seated();
    expect(seats.map((s) => [s.seat, s.first, s.second])).toEqual([
      [0, 0, 1],
      [1, 1, 2],
      [2, 2, 3],
      [3, 3, 4],
      [4, 0, 4], // the last seat's forks are 4 and 0: it reaches for 0 first
    ]);
    expect(table.join('late')).toBeNull();
  });

  it('should grant a free fork at once, queue a taken one, and hand it over on putdown', () => {
    const { table, events } = seated();
    const got: string[] = [];
    table.pickup('p0', 1).subscribe((f) => got.push(`p0:${f}`));
    table.pickup('p1', 1).subscribe((f) => got.push(`p1:${f}`));
    expect(got).toEqual(['p0:1']);
    expect(table.putdown('p1', 1)).toBe(false); // not its fork to put down
    expect(table.putdown('p0', 1)).toBe(true);
    expect(got).toEqual(['p0:1', 'p1:1']);
    expect(table.holders()[1]).toBe('p1');
    expect(events.filter((e) => e.type === 'eating')).toEqual([]);
  });

  it('should report a meal when a philosopher holds both forks, and thinking when it puts them down', () => {
    const { table, events } = seated();
    table.pickup('p2', 2).subscribe();
    table.pickup('p2', 3).subscribe();
    table.putdown('p2', 3);
    table.putdown('p2', 2);
    expect(events.filter((e) => e.type === 'eating' || e.type === 'thinking')).toEqual([
      { type: 'eating', seat: 2, philosopher: 'p2', meal: 1, time: 0 },
      { type: 'thinking', seat: 2, philosopher: 'p2', meals: 1, time: 0 },
    ]);
    expect(table.meals()).toEqual([0, 0, 1, 0, 0]);
  });

  it('should leave the queue when the request is cancelled (unsubscribed)', () => {
    const { table } = seated();
    table.pickup('p0', 1).subscribe();
    const got: number[] = [];
    const waiting: Subscription = table.pickup('p1', 1).subscribe((f) => got.push(f));
    waiting.unsubscribe();
    table.putdown('p0', 1);
    expect(got).toEqual([]);
    expect(table.holders()[1]).toBeUndefined();
  });

  it('should give the forks of a philosopher that left to the next in line', () => {
    const { table, events } = seated();
    table.pickup('p0', 1).subscribe();
    const got: number[] = [];
    table.pickup('p1', 1).subscribe((f) => got.push(f));
    table.leave('p0');
    expect(got).toEqual([1]);
    expect(events.some((e) => e.type === 'left' && e.philosopher === 'p0')).toBe(true);
  });

  it('should refuse a fork that is not at the philosopher\'s seat', () => {
    const { table } = seated();
    const errors: unknown[] = [];
    table.pickup('p0', 3).subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code: string }).code).toBe('RXP_ERR_INVALID_ARGUMENT');
  });

  it('should detect the classic deadlock when everybody takes the left fork first', () => {
    const { table, events, names } = seated();
    names.forEach((n, i) => table.pickup(n, i).subscribe()); // everybody holds the left fork
    names.forEach((n, i) => table.pickup(n, (i + 1) % 5).subscribe()); // and waits for the right
    const deadlocks = events.filter((e) => e.type === 'deadlock');
    expect(deadlocks.length).toBeGreaterThanOrEqual(1);
    expect([...(deadlocks[0] as { readonly seats: readonly number[] }).seats].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('samples/philosophers', () => {
  const children = new Set<ChildProcess>();
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('should let all five thread philosophers eat for 10 seconds without deadlock', async () => {
    const app = new DiningPhilosophers({
      argv: ['--workers', '5', '--concurrency', 'thread', '--eating-period', '0.02', '--waiting-period', '0.02', '--log-level', 'warn'],
      server: false,
    });
    // Subscribed before start: the table's first events are not missed.
    const events = lastValueFrom(app.events$.pipe(takeUntil(timer(10_000)), toArray()));
    try {
      await app.start();
      const seen = await events;
      const meals = seen.filter((e): e is Extract<PhilosopherEvent, { type: 'eating' }> => e.type === 'eating');
      expect(seen.filter((e) => e.type === 'seated')).toHaveLength(5);
      expect(new Set(meals.map((m) => m.seat))).toEqual(new Set([0, 1, 2, 3, 4]));
      expect(seen.filter((e) => e.type === 'deadlock')).toEqual([]);
      // Still eating at the end: nobody got stuck along the way.
      const last = meals[meals.length - 1].time;
      expect(seen[seen.length - 1].time - last).toBeLessThan(1000);
      for (let seat = 0; seat < 5; seat++) expect(meals.filter((m) => m.seat === seat).length).toBeGreaterThan(5);
      expect(app.table!.meals().reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(meals.length);
    } finally {
      await app.stop();
      await arbiter().stop('spec over');
    }
  }, 25_000);

  it('should run from the command line, print the meals and exit 0 (--run-for)', async () => {
    const root = join(__dirname, '..', '..');
    const child = spawnProcess(
      process.execPath,
      ['-r', './register.js', 'scripts/sample.js', 'philosophers', '--concurrency', 'thread', '--eating-period', '0.02', '--waiting-period', '0.02', '--run-for', '2', '--log-level', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    children.delete(child);
    expect(code).toBe(0);
    const meals = /meals after 2s: (.*)/.exec(stdout)?.[1] ?? '';
    const counts = [...meals.matchAll(/philosopher (\d): (\d+)/g)].map((m) => Number(m[2]));
    expect(counts).toHaveLength(5);
    for (const n of counts) expect(n).toBeGreaterThan(0);
  }, 20_000);
});
