import { NEVER, Observable, asapScheduler, concat, from, lastValueFrom, observeOn, of, throwError, toArray } from 'rxjs';
import { createError } from 'rxpulsar';
import { dispatch, type TestWorker } from '../../../apps/test/dispatch';
import type { ModuleJob, RunnerEvent, SuiteEvent } from '../../../apps/test/types';

const job = (module: string): ModuleJob => ({ module, file: `/t/${module}.test.ts`, grep: [], timeout: 0, sequential: false, repeat: 1, benchmark: false });

/** Fake workers: each module yields start, one passed test, end; `lose` names modules whose worker dies. */
function fakes(lose: readonly string[] = []) {
  const log: string[] = [];
  let n = 0;
  const spawnWorker = (): Observable<TestWorker> =>
    new Observable<TestWorker>((subscriber) => {
      const id = `w${++n}`;
      log.push(`spawn ${id}`);
      subscriber.next({
        id,
        run: (j) => {
          log.push(`${id} runs ${j.module}`);
          const started: RunnerEvent = { type: 'module:start', module: j.module, tests: 1 };
          if (lose.includes(j.module)) return concat(of(started), throwError(() => createError('RXP_ERR_ACTOR_STOPPED', id, 'run_module (exit code 3)')));
          const events: RunnerEvent[] = [
            started,
            { type: 'test', result: { module: j.module, title: 't', path: ['t'], status: 'passed', duration: 1 } },
            { type: 'module:end', module: j.module, duration: 1 },
          ];
          // Asynchronous, as a real worker is: the other workers get their turn meanwhile.
          return from(events).pipe(observeOn(asapScheduler));
        },
        finish: () => {
          log.push(`${id} finish`);
          return of(`/p/${id}.cpuprofile`);
        },
        stop: () => {
          log.push(`${id} stop`);
          return Promise.resolve();
        },
      });
      subscriber.complete();
    });
  return { log, spawnWorker };
}

const collect = (events$: Observable<SuiteEvent>): Promise<SuiteEvent[]> => lastValueFrom(events$.pipe(toArray()), { defaultValue: [] });
const tests = (events: SuiteEvent[]) => events.filter((e): e is Extract<SuiteEvent, { type: 'test' }> => e.type === 'test').map((e) => e.result);

describe('dispatch', () => {
  it('should spread modules over at most `workers` workers, annotate results, then finish and stop each worker', async () => {
    const { log, spawnWorker } = fakes();
    const events = await collect(dispatch([job('a'), job('b'), job('c')], { workers: 2, spawnWorker }));
    expect(tests(events).map((r) => `${r.module}@${r.worker}`).sort()).toEqual(['a@w1', 'b@w2', 'c@w1']);
    const done = events.filter((e): e is Extract<SuiteEvent, { type: 'worker:done' }> => e.type === 'worker:done');
    expect(done.sort((x, y) => x.worker.localeCompare(y.worker))).toEqual([
      { type: 'worker:done', worker: 'w1', profile: '/p/w1.cpuprofile' },
      { type: 'worker:done', worker: 'w2', profile: '/p/w2.cpuprofile' },
    ]);
    expect(log.filter((l) => l.startsWith('spawn'))).toEqual(['spawn w1', 'spawn w2']);
    expect(log.filter((l) => l.endsWith('stop')).sort()).toEqual(['w1 stop', 'w2 stop']);
    expect(events.filter((e) => e.type === 'module:start' && e.worker)).toHaveLength(3);
  });

  it('should never start more workers than modules', async () => {
    const { log, spawnWorker } = fakes();
    await collect(dispatch([job('only')], { workers: 8, spawnWorker }));
    expect(log.filter((l) => l.startsWith('spawn'))).toEqual(['spawn w1']);
  });

  it('should emit nothing and start no worker for no modules', async () => {
    const { log, spawnWorker } = fakes();
    expect(await collect(dispatch([], { workers: 2, spawnWorker }))).toEqual([]);
    expect(log).toEqual([]);
  });

  it('should report a lost worker as an error of its module and go on with a replacement', async () => {
    const { log, spawnWorker } = fakes(['b']);
    const events = await collect(dispatch([job('a'), job('b'), job('c')], { workers: 1, spawnWorker }));
    const results = tests(events);
    expect(results.map((r) => `${r.module}:${r.title}:${r.status}@${r.worker}`)).toEqual(['a:t:passed@w1', 'b:(worker lost):error@w1', 'c:t:passed@w2']);
    expect(results[1].error?.code).toBe('RXP_ERR_TEST_WORKER_LOST');
    expect(results[1].error?.message).toMatch(/^Test worker w1 stopped while running module "b": /);
    expect(log).toEqual(['spawn w1', 'w1 runs a', 'w1 runs b', 'w1 stop', 'spawn w2', 'w2 runs c', 'w2 finish', 'w2 stop']);
    expect(events.filter((e) => e.type === 'module:end').map((e) => (e as { module: string }).module)).toEqual(['a', 'b', 'c']);
  });

  it('should report the modules left when no replacement is allowed', async () => {
    const { spawnWorker } = fakes(['a']);
    const results = tests(await collect(dispatch([job('a'), job('b')], { workers: 1, spawnWorker, maxRespawns: 0 })));
    expect(results.map((r) => `${r.module}:${r.title}`)).toEqual(['a:(worker lost)', 'b:(not run)']);
    expect(results[1].error?.code).toBe('RXP_ERR_TEST_WORKER_LOST');
  });

  it('should stop its workers and ask for no more work when unsubscribed', async () => {
    const seen: string[] = [];
    let stops = 0;
    const worker: TestWorker = {
      id: 'w',
      run: (j) => {
        seen.push(j.module);
        return NEVER;
      },
      finish: () => of(null),
      stop: () => {
        stops++;
        return Promise.resolve();
      },
    };
    const subscription = dispatch([job('a'), job('b')], { workers: 1, spawnWorker: () => of(worker) }).subscribe();
    subscription.unsubscribe();
    expect(seen).toEqual(['a']);
    expect(stops).toBe(1);
  });

  it('should stop each worker once, lost or retired', async () => {
    const { log, spawnWorker } = fakes(['a']);
    await collect(dispatch([job('a'), job('b')], { workers: 1, spawnWorker }));
    expect(log.filter((l) => l.endsWith('stop'))).toEqual(['w1 stop', 'w2 stop']);
  });
});
