/**
 * The test worker: an actor module spawned by the test app (`spawn({ module })`), one per
 * `--workers`, in a thread or a process. It is fed modules with `run_module(job)` and streams
 * back runner events as tests finish; `finish` ends its CPU profile (`--profile`).
 *
 * Its commands are registered per actor in `start` (not in the module's `commands` table) so
 * that two inline workers sharing this module keep separate profilers.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { concat, defer, from, map, of, type Observable } from 'rxjs';
import type { ActorContext } from '../../lib/actor/context';
import { defineActor } from '../../lib/actor/definition';
import { collectModule, listTests, selected } from './collect';
import { executeSuite, toTestError } from './execute';
import { startCpuProfiler, type CpuProfiler } from './profiler';
import type { ModuleJob, RunnerEvent } from './types';

/** What the arbiter passes to `spawn({ params })`. */
export interface RunnerParams {
  /** Directory of the `.cpuprofile`; none: no profiling. */
  readonly profileDir?: string;
  /** Name of the suite, the first part of the profile's file name. */
  readonly suite?: string;
}

/** Loads and runs one module; a module that fails to load is one error result. */
export function runModule(job: ModuleJob): Observable<RunnerEvent> {
  return defer(() => {
    const started = performance.now();
    const end = defer(() => of<RunnerEvent>({ type: 'module:end', module: job.module, duration: performance.now() - started }));
    let root;
    try {
      root = collectModule(job.file);
    } catch (error) {
      const failed: RunnerEvent[] = [
        { type: 'module:start', module: job.module, tests: 1 },
        { type: 'test', result: { module: job.module, title: '(load)', path: ['(load)'], status: 'error', duration: 0, error: toTestError(error) } },
      ];
      return concat(from(failed), end);
    }
    const tests = listTests(root).filter((t) => selected(t.title, job.grep)).length;
    return concat(
      of<RunnerEvent>({ type: 'module:start', module: job.module, tests }),
      executeSuite(root, {
        module: job.module,
        timeout: job.timeout,
        grep: job.grep,
        sequential: job.sequential,
        benchmark: job.benchmark,
        repeat: job.repeat,
      }).pipe(map((result): RunnerEvent => ({ type: 'test', result }))),
      end,
    );
  });
}

export default defineActor({
  async start(actor: ActorContext) {
    const params = actor.params as RunnerParams;
    const profiler: CpuProfiler | undefined = params.profileDir ? await startCpuProfiler() : undefined;
    let finished: Promise<string | null> | undefined;
    actor.command('run_module', (_ctx, job: ModuleJob) => runModule(job));
    actor.command('finish', () => {
      finished ??= profiler
        ? profiler.stop(join(params.profileDir!, `${params.suite ?? 'test'}-${actor.aid}.cpuprofile`))
        : Promise.resolve(null);
      return finished;
    });
  },
});
