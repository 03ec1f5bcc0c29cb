/**
 * Spreads module jobs over test workers: each worker takes the next module as soon as it is done
 * with the previous one, and results stream out as they arrive. A worker that dies in the middle
 * of a module (crash, `process.exit`, heartbeat timeout) costs that module one error result; a
 * new worker takes over the rest of the queue. When the queue is empty every worker is told to
 * `finish` (its CPU profile) and stopped.
 *
 * ```
 * jobs:      [a, b, c]          workers: 2
 * worker 1:  a·····a| c··c| finish stop
 * worker 2:  b···········b| finish stop
 * out:       start(a) start(b) test… end(a) start(c) … end(b) … worker:done worker:done |
 * ```
 */
import { EMPTY, Observable, catchError, concat, concatMap, concatWith, defer, finalize, forkJoin, from, ignoreElements, map, merge, mergeMap, of, take } from 'rxjs';
import { createError } from '../../lib/errors';
import { toTestError } from './execute';
import type { ModuleJob, RunnerEvent, SuiteEvent, TestResult } from './types';

/** The dispatcher's view of one test worker (an actor, or a fake in specs). */
export interface TestWorker {
  readonly id: string;
  /** Streams the events of one module; errors if the worker is lost. */
  run(job: ModuleJob): Observable<RunnerEvent>;
  /** Ends the worker's profile: emits its file (or null). */
  finish(): Observable<string | null>;
  /** Stops the worker (gracefully); resolves once it is gone. */
  stop(): Promise<void>;
}

export interface DispatchOptions {
  /** Workers to run at once (never more than there are jobs). */
  readonly workers: number;
  /** Starts one worker; emits it once it is ready. */
  readonly spawnWorker: () => Observable<TestWorker>;
  /** Replacements for lost workers before the remaining modules are given up. @default the number of jobs */
  readonly maxRespawns?: number;
}

export function dispatch(jobs: readonly ModuleJob[], options: DispatchOptions): Observable<SuiteEvent> {
  return defer(() => {
    if (jobs.length === 0) return EMPTY;
    const queue = [...jobs];
    let respawns = options.maxRespawns ?? jobs.length;

    const stopped = new Set<string>();
    const stop = (worker: TestWorker): Promise<void> => {
      if (stopped.has(worker.id)) return Promise.resolve();
      stopped.add(worker.id);
      return worker.stop().catch(() => undefined);
    };
    // Unsubscribed early (the run is cancelled): the worker is stopped, not left behind.
    const work = (worker: TestWorker): Observable<SuiteEvent> => drain(worker).pipe(finalize(() => void stop(worker)));
    const lane = (): Observable<SuiteEvent> => options.spawnWorker().pipe(take(1), concatMap(work));

    const drain = (worker: TestWorker): Observable<SuiteEvent> =>
      defer(() => {
        const job = queue.shift();
        if (!job) return retire(worker);
        let lost = false;
        const run$ = worker.run(job).pipe(
          map((event): SuiteEvent => (event.type === 'test' ? { type: 'test', result: { ...event.result, worker: worker.id } } : { ...event, worker: worker.id })),
          catchError((error: unknown) => {
            lost = true;
            const events: SuiteEvent[] = [
              { type: 'test', result: lostResult(job, worker, error) },
              { type: 'module:end', module: job.module, duration: 0, worker: worker.id },
            ];
            return from(events);
          }),
        );
        return run$.pipe(concatWith(defer(() => (lost ? replace(worker) : drain(worker)))));
      });

    const replace = (worker: TestWorker): Observable<SuiteEvent> => {
      const gone$ = defer(() => stop(worker)).pipe(ignoreElements());
      if (queue.length === 0 || respawns <= 0) return gone$;
      respawns--;
      return gone$.pipe(concatWith(defer(() => lane())));
    };

    const retire = (worker: TestWorker): Observable<SuiteEvent> =>
      worker.finish().pipe(
        take(1),
        catchError(() => of(null)),
        map((profile): SuiteEvent => ({ type: 'worker:done', worker: worker.id, ...(profile ? { profile } : {}) })),
        concatWith(defer(() => stop(worker)).pipe(ignoreElements())),
      );

    // Modules no worker could take (every replacement used up) are reported, not forgotten.
    const leftovers = defer(() =>
      from(
        queue.splice(0).map(
          (job): SuiteEvent => ({
            type: 'test',
            result: {
              module: job.module,
              title: '(not run)',
              path: ['(not run)'],
              status: 'error',
              duration: 0,
              error: toTestError(createError('RXP_ERR_TEST_WORKER_LOST', '-', job.module, 'no worker left to run it')),
            },
          }),
        ),
      ),
    );
    // Every worker is ready before the first module is handed out: a worker that happens to start
    // first does not drain the queue alone while the others are still booting.
    const lanes = Math.max(1, Math.min(options.workers, jobs.length));
    const ready$ = forkJoin(Array.from({ length: lanes }, () => options.spawnWorker().pipe(take(1))));
    return concat(ready$.pipe(mergeMap((workers) => merge(...workers.map(work)))), leftovers);
  });
}

function lostResult(job: ModuleJob, worker: TestWorker, error: unknown): TestResult {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    module: job.module,
    title: '(worker lost)',
    path: ['(worker lost)'],
    status: 'error',
    duration: 0,
    error: toTestError(createError('RXP_ERR_TEST_WORKER_LOST', worker.id, job.module, reason)),
    worker: worker.id,
  };
}
