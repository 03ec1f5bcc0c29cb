/**
 * Runs the suite tree of one module: an Observable of test results, each emitted as soon as its
 * test is over. Runs in a test worker (or anywhere: it only needs the tree).
 *
 * Per test: `beforeEach` hooks (outer first) → body → `afterEach` hooks (inner first, run even
 * when the body failed). Per describe: `beforeAll` → its tests and nested describes
 * (concurrently, or one after another when sequential) → `afterAll`. A failing `beforeAll`
 * turns every test it guards into an error without running it.
 *
 * Time goes through an injected scheduler (timeouts) and clock (durations), so the executor is
 * tested in virtual time.
 */
import { AssertionError } from 'node:assert';
import { resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  EMPTY,
  Observable,
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  concatWith,
  defer,
  endWith,
  from,
  ignoreElements,
  isObservable,
  last,
  map,
  merge,
  of,
  range,
  takeWhile,
  tap,
  finalize,
  throwError,
  timeout,
  type SchedulerLike,
} from 'rxjs';
import { createError } from '../../lib/errors';
import { selected } from './collect';
import type { SuiteNode, TestCase, TestFn } from './dsl';
import { benchStats } from './stats';
import type { TestError, TestResult, TestStatus } from './types';

export interface ExecuteOptions {
  /** Label of the module, copied into every result. */
  readonly module: string;
  /** Default timeout of a test or hook, ms (0: none). */
  readonly timeout: number;
  /** Run only tests whose title contains one of these. @default all */
  readonly grep?: readonly string[];
  /** Everything one after another. @default false */
  readonly sequential?: boolean;
  /** Run each test `repeat` times and report timings. @default false */
  readonly benchmark?: boolean;
  /** @default 1 */
  readonly repeat?: number;
  /** Timeouts. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Clock of durations, ms. @default performance.now */
  readonly now?: () => number;
}

interface Run {
  readonly module: string;
  readonly timeout: number;
  readonly grep: readonly string[];
  readonly sequential: boolean;
  readonly runs: number;
  readonly benchmark: boolean;
  readonly scheduler: SchedulerLike;
  readonly now: () => number;
}

interface Failure {
  readonly error: unknown;
  /** The hook that failed, when it was not the test body. */
  readonly hook?: string;
}

export function executeSuite(root: SuiteNode, options: ExecuteOptions): Observable<TestResult> {
  const run: Run = {
    module: options.module,
    timeout: options.timeout,
    grep: options.grep ?? [],
    sequential: options.sequential ?? false,
    benchmark: options.benchmark ?? false,
    runs: options.benchmark ? Math.max(1, options.repeat ?? 1) : 1,
    scheduler: options.scheduler ?? asyncScheduler,
    now: options.now ?? (() => performance.now()),
  };
  return runSuite(root, [], [], run, false, undefined);
}

/** The tests of `suite`'s subtree that the grep selects, with their paths. */
function selectedPaths(suite: SuiteNode, names: readonly string[], grep: readonly string[]): string[][] {
  const out: string[][] = [];
  for (const item of suite.items) {
    const path = [...names, item.name];
    if (item.kind === 'suite') out.push(...selectedPaths(item, path, grep));
    else if (selected(path.join(' > '), grep)) out.push(path);
  }
  return out;
}

function runSuite(
  suite: SuiteNode,
  ancestors: readonly SuiteNode[],
  names: readonly string[],
  run: Run,
  inheritedSequential: boolean,
  inheritedSkip: boolean | string | undefined,
): Observable<TestResult> {
  return defer(() => {
    const paths = selectedPaths(suite, names, run.grep);
    if (paths.length === 0) return EMPTY; // nothing selected: not even its hooks run
    const chain = [...ancestors, suite];
    const skip = suite.options.skip || inheritedSkip;
    if (skip) return from(paths.map((path) => result(run, path, 'skipped', 0, { reason: reasonOf(skip) })));
    const sequential = run.sequential || inheritedSequential || suite.options.sequential === true;
    const title = names.length > 0 ? names.join(' > ') : run.module;
    const hookTimeout = timeoutOf(chain, undefined, run);
    const items = suite.items.map((item) =>
      item.kind === 'suite' ? runSuite(item, chain, [...names, item.name], run, sequential, undefined) : runTest(item, chain, names, run),
    );
    let setupFailure: unknown;
    const guarded$ = hooks(suite.hooks.beforeAll, `${title} (beforeAll)`, hookTimeout, run).pipe(
      catchError((error: unknown) => {
        setupFailure = error;
        return EMPTY;
      }),
      concatWith(
        defer(() =>
          setupFailure === undefined
            ? sequential
              ? concat(...items)
              : merge(...items)
            : from(paths.map((path) => result(run, path, 'error', 0, { error: hookError('beforeAll', title, setupFailure) }))),
        ),
      ),
    );
    const teardown$ = hooks(suite.hooks.afterAll, `${title} (afterAll)`, hookTimeout, run).pipe(
      catchError((error: unknown) => of(result(run, [...names, 'afterAll'], 'error', 0, { error: hookError('afterAll', title, error) }))),
    );
    return concat(guarded$, teardown$);
  });
}

function runTest(test: TestCase, chain: readonly SuiteNode[], names: readonly string[], run: Run): Observable<TestResult> {
  return defer(() => {
    const path = [...names, test.name];
    const title = path.join(' > ');
    if (!selected(title, run.grep)) return EMPTY;
    if (test.options.skip) return of(result(run, path, 'skipped', 0, { reason: reasonOf(test.options.skip) }));
    const ms = timeoutOf(chain, test, run);
    const durations: number[] = [];
    const before = chain.flatMap((s) => s.hooks.beforeEach);
    const after = [...chain].reverse().flatMap((s) => s.hooks.afterEach);
    const body$ = defer(() => {
      const started = run.now();
      const done = (): number => durations.push(run.now() - started);
      return invoke(test.fn, title, ms, run).pipe(tap({ complete: done, error: done }));
    });
    const once$: Observable<Failure | null> = settle(hooks(before, `${title} (beforeEach)`, ms, run), 'beforeEach').pipe(
      concatMap((failure) => (failure ? of(failure) : settle(body$))),
      concatMap((first) => settle(hooks(after, `${title} (afterEach)`, ms, run), 'afterEach').pipe(map((second) => first ?? second))),
    );
    return range(0, run.runs).pipe(
      concatMap(() => once$),
      takeWhile((failure) => failure === null, true),
      last(),
      map((failure) => {
        const duration = durations.length > 0 ? durations[durations.length - 1] : 0;
        if (!failure) return result(run, path, 'passed', duration, run.benchmark ? { bench: benchStats(durations) } : {});
        const error = failure.hook ? hookError(failure.hook, title, failure.error) : toTestError(failure.error);
        return result(run, path, failure.hook ? 'error' : classify(failure.error), duration, { error });
      }),
    );
  });
}

/** Hooks one after another; errors with the first failure. */
function hooks(list: readonly TestFn[], title: string, ms: number, run: Run): Observable<never> {
  return concat(...list.map((fn) => invoke(fn, title, ms, run)));
}

/** Completion → null, error → the failure: always exactly one value. */
function settle(work$: Observable<never>, hook?: string): Observable<Failure | null> {
  return work$.pipe(
    endWith(null),
    catchError((error: unknown) => of<Failure>(hook ? { error, hook } : { error })),
  );
}

/**
 * Calls a test body or hook and follows what it returns (nothing, a Promise, an Observable) until
 * it is over, within `ms`. On a timeout the Observable is unsubscribed and `t.signal` aborted.
 */
function invoke(fn: TestFn, title: string, ms: number, run: Run): Observable<never> {
  return defer(() => {
    const controller = new AbortController();
    let over = false;
    const work$ = defer(() => toObservable(fn({ title, signal: controller.signal }))).pipe(
      ignoreElements(),
      tap({ complete: () => (over = true), error: () => (over = true) }),
      finalize(() => {
        if (!over) controller.abort(createError('RXP_ERR_TEST_TIMEOUT', title, ms));
      }),
    );
    if (!(ms > 0) || ms === Infinity) return work$;
    // No value ever comes out of work$, so the "first value" timeout bounds the whole test.
    return work$.pipe(
      timeout({ first: ms, scheduler: run.scheduler, with: () => throwError(() => createError('RXP_ERR_TEST_TIMEOUT', title, ms)) }),
    );
  });
}

function toObservable(value: unknown): Observable<unknown> {
  if (isObservable(value)) return value;
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function') {
    return from(value as PromiseLike<unknown>);
  }
  return EMPTY;
}

/** The test's own timeout, else the nearest describe's, else the run's (seconds in options, ms here). */
function timeoutOf(chain: readonly SuiteNode[], test: TestCase | undefined, run: Run): number {
  if (test?.options.timeout !== undefined) return test.options.timeout * 1000;
  for (let i = chain.length - 1; i >= 0; i--) {
    const t = chain[i].options.timeout;
    if (t !== undefined) return t * 1000;
  }
  return run.timeout;
}

function reasonOf(skip: boolean | string): string {
  return typeof skip === 'string' ? skip : 'skipped';
}

/** Failures are broken assertions; anything else thrown is an error (pulsar's distinction). */
export function classify(error: unknown): Exclude<TestStatus, 'passed' | 'skipped'> {
  const e = error as { name?: unknown; code?: unknown } | null;
  return error instanceof AssertionError || e?.code === 'ERR_ASSERTION' || e?.name === 'AssertionError' ? 'failed' : 'error';
}

export function toTestError(error: unknown): TestError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(error.stack ? { stack: cleanStack(error.stack) } : {}),
    };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : String(error) };
}

/** Frames of the runner itself (this app, rxpulsar's runtime, rxjs, node internals, the TypeScript loader). */
const NOISE = [resolve(__dirname), resolve(__dirname, '..', '..', 'lib'), `${sep}node_modules${sep}rxjs${sep}`, `${sep}node_modules${sep}ts-node${sep}`, 'node:internal', '(node:'];

/** A stack without the runner's own frames, so that the test's frames are what one reads. */
export function cleanStack(stack: string): string {
  const lines = stack.split('\n');
  const kept = lines.filter((line) => !/^\s+at /.test(line) || !NOISE.some((noise) => line.includes(noise)));
  return kept.join('\n');
}

function hookError(hook: string, title: string, error: unknown): TestError {
  const original = toTestError(error);
  const wrapped = createError('RXP_ERR_TEST_HOOK', hook, title, original.message);
  return { name: wrapped.name, code: wrapped.code, message: wrapped.message, ...(original.stack ? { stack: original.stack } : {}) };
}

function result(run: Run, path: readonly string[], status: TestStatus, duration: number, extra: Partial<TestResult>): TestResult {
  return { module: run.module, title: path.join(' > '), path, status, duration, ...extra };
}
