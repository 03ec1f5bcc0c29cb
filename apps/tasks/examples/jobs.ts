/**
 * pulsar's example jobs (`examples/taskqueue/sampletasks`), rebuilt: each one exercises a part
 * of the engine (plain values, failures, streams, de-duplication, child tasks, schedules,
 * fan-out). Run them with `samples/taskqueue` or in tests.
 */
import { forkJoin, interval, map, of, range, take, tap, timer, toArray } from 'rxjs';
import { mergeMap } from 'rxjs';
import { defineJob, JobRegistry } from '../job';

/** `addition(a, b)` → a + b. */
export const addition = defineJob('addition', (_ctx, a: number, b: number) => a + b, { doc: 'Adds two numbers.' });

/** Always fails: exercises FAILURE (and retries when `max_retries` is set). */
export const valueError = defineJob(
  'valueerrortask',
  (): never => {
    throw new Error('kaputt');
  },
  { doc: 'A job that always fails.' },
);

/**
 * Yields to the event loop `loops` times (pulsar's `yield NOT_DONE`), emitting each count as a
 * partial result and as progress; the result is `loops`.
 */
export const asynchronous = defineJob(
  'asynchronous',
  (ctx, loops: number = 1) =>
    interval(0, ctx.scheduler).pipe(
      take(loops),
      map((i) => i + 1),
      tap((done) => ctx.progress({ done, of: loops })),
    ),
  { doc: 'An asynchronous job that yields to the event loop N times.' },
);

/** Waits `lag` ms; identical calls share one task while it runs. */
export const notOverlap = defineJob('notoverlap', (ctx, lag: number) => timer(lag, ctx.scheduler).pipe(map(() => lag)), {
  can_overlap: false,
  doc: 'A job that never overlaps: the same arguments return the running task.',
});

/** Queues `count` additions as its children (lineage `from_task`) and returns their ids. */
export const producer = defineJob(
  'producer',
  (ctx, count: number = 10) =>
    range(0, count).pipe(
      mergeMap((i) => ctx.submit(addition, [i, i])),
      map((task) => task.id),
      toArray(),
    ),
  { doc: 'Spawns N addition sub-tasks.' },
);

/** Every 5 s: reports the time it ran (pulsar's `CheckWorkers`). */
export const checkWorkers = defineJob('checkworkers', (ctx) => ({ time: ctx.scheduler.now() }), {
  doc: 'A periodic job, every 5 seconds.',
  schedule: { every: 5000 },
});

/** The partial moments of a chunk: count, sum and sum of squares. */
export const sumMoments = defineJob('summoments', (_ctx, data: number[]) => ({
  n: data.length,
  sum: data.reduce((a, b) => a + b, 0),
  sumsq: data.reduce((a, b) => a + b * b, 0),
}));

/**
 * Population standard deviation by fan-out: one `summoments` child per chunk, combined here.
 * It waits for its children, so it needs a free slot for them (concurrency ≥ 2 overall).
 */
export const standardDeviation = defineJob(
  'standarddeviation',
  (ctx, data: number[], chunk: number = 10) => {
    const chunks: number[][] = [];
    for (let i = 0; i < data.length; i += chunk) chunks.push(data.slice(i, i + chunk));
    if (chunks.length === 0) return of(0);
    return forkJoin(chunks.map((part) => ctx.result(sumMoments, [part]))).pipe(
      map((moments) => {
        const n = moments.reduce((a, m) => a + m.n, 0);
        const mean = moments.reduce((a, m) => a + m.sum, 0) / n;
        const meansq = moments.reduce((a, m) => a + m.sumsq, 0) / n;
        return Math.sqrt(Math.max(0, meansq - mean * mean));
      }),
    );
  },
  { doc: 'Standard deviation of a list, computed by sub-tasks on chunks.' },
);

/** Every example job. */
export const exampleJobs = [addition, valueError, asynchronous, notOverlap, producer, checkWorkers, sumMoments, standardDeviation];

/** A registry of the example jobs. */
export function exampleRegistry(): JobRegistry {
  return new JobRegistry(exampleJobs);
}
