/**
 * How test modules declare tests: `describe`, `it` (alias `test`) and the four hooks. Calls are
 * recorded into the suite tree of the module being loaded (see `collect.ts`); nothing runs at
 * declaration time.
 *
 * A test body may return nothing (synchronous), a Promise, or an Observable: the test passes when
 * it completes, fails when it errors, and errors with RXP_ERR_TEST_TIMEOUT when it takes longer
 * than its timeout — the Observable is then unsubscribed and `t.signal` aborted.
 *
 * ```ts
 * import { describe, it, expect } from 'rxpulsar/apps/test';
 * describe('calculator', () => {
 *   it('adds', () => expect(1 + 2).toBe(3));
 *   it('streams', () => of(1, 2).pipe(map((x) => expect(x).toBeGreaterThan(0))));
 * });
 * ```
 *
 * Tests of one `describe` run concurrently, as pulsar's did, unless it is sequential
 * (`describe.sequential`, `{ sequential: true }`, or `--sequential` for all).
 */
import { createError } from '../../lib/errors';

/** What a test body gets. */
export interface TestContext {
  /** `describe > ... > it`. */
  readonly title: string;
  /** Aborted when the test times out or the run is cancelled. */
  readonly signal: AbortSignal;
}

/** A test body or hook: returns nothing, a Promise or an Observable. */
export type TestFn = (t: TestContext) => unknown;

export interface TestOptions {
  /** Skip it (a string says why). */
  readonly skip?: boolean | string;
  /** Seconds before it errors with RXP_ERR_TEST_TIMEOUT (0: none). @default --test-timeout */
  readonly timeout?: number;
}

export interface SuiteOptions extends TestOptions {
  /** Run its tests (and nested describes) one after another. @default false (concurrently) */
  readonly sequential?: boolean;
}

export interface TestCase {
  readonly kind: 'test';
  readonly name: string;
  readonly fn: TestFn;
  readonly options: TestOptions;
}

export interface SuiteHooks {
  readonly beforeAll: TestFn[];
  readonly afterAll: TestFn[];
  readonly beforeEach: TestFn[];
  readonly afterEach: TestFn[];
}

export interface SuiteNode {
  readonly kind: 'suite';
  /** '' for a module's root. */
  readonly name: string;
  readonly items: Array<TestCase | SuiteNode>;
  readonly hooks: SuiteHooks;
  readonly options: SuiteOptions;
}

/** The stack of describes being declared; on globalThis so that two copies of this module agree. */
const kCollector = Symbol.for('rxpulsar.test.collector');
type Holder = { [kCollector]?: SuiteNode[] };

export function newSuite(name: string, options: SuiteOptions = {}): SuiteNode {
  return { kind: 'suite', name, items: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }, options };
}

/** Runs `load` with `root` receiving the declarations (the module loader's side). */
export function collectInto<T>(root: SuiteNode, load: () => T): T {
  const holder = globalThis as Holder;
  const previous = holder[kCollector];
  holder[kCollector] = [root];
  try {
    return load();
  } finally {
    holder[kCollector] = previous;
  }
}

function currentSuite(what: string): SuiteNode {
  const stack = (globalThis as Holder)[kCollector];
  if (!stack || stack.length === 0) {
    throw createError('RXP_ERR_TEST_DEFINITION', `${what} was called outside a test module being loaded by the test app`);
  }
  return stack[stack.length - 1];
}

function checkFn(what: string, fn: unknown): asserts fn is TestFn {
  if (typeof fn !== 'function') throw createError('RXP_ERR_TEST_DEFINITION', `${what} needs a function, got ${typeof fn}`);
}

function declareSuite(name: string, body: () => void, options: SuiteOptions): void {
  checkFn(`describe("${name}")`, body);
  const parent = currentSuite(`describe("${name}")`);
  const suite = newSuite(String(name), options);
  parent.items.push(suite);
  const stack = (globalThis as Holder)[kCollector]!;
  stack.push(suite);
  try {
    const result: unknown = body();
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
      throw createError('RXP_ERR_TEST_DEFINITION', `the body of describe("${name}") returned a Promise; declare tests synchronously`);
    }
  } finally {
    stack.pop();
  }
}

function declareTest(name: string, fn: TestFn | undefined, options: TestOptions): void {
  const suite = currentSuite(`it("${name}")`);
  const body = fn ?? ((): void => undefined);
  checkFn(`it("${name}")`, body);
  suite.items.push({ kind: 'test', name: String(name), fn: body, options: fn ? options : { skip: 'no test body', ...options } });
}

export interface Describe {
  (name: string, body: () => void, options?: SuiteOptions): void;
  /** A describe whose tests are all skipped. */
  skip(name: string, body: () => void, reason?: string): void;
  /** A describe whose tests run one after another. */
  sequential(name: string, body: () => void, options?: SuiteOptions): void;
}

export interface It {
  (name: string, fn: TestFn, options?: TestOptions): void;
  /** Declared but not run (reported as skipped). */
  skip(name: string, fn?: TestFn, reason?: string): void;
}

/** Groups tests; hooks declared inside apply to its tests and nested groups. */
export const describe: Describe = Object.assign(
  (name: string, body: () => void, options: SuiteOptions = {}): void => declareSuite(name, body, options),
  {
    skip: (name: string, body: () => void, reason?: string): void => declareSuite(name, body, { skip: reason ?? true }),
    sequential: (name: string, body: () => void, options: SuiteOptions = {}): void => declareSuite(name, body, { ...options, sequential: true }),
  },
);

/** Declares a test. */
export const it: It = Object.assign((name: string, fn: TestFn, options: TestOptions = {}): void => declareTest(name, fn, options), {
  skip: (name: string, fn?: TestFn, reason?: string): void => declareTest(name, fn ?? ((): void => undefined), { skip: reason ?? true }),
});

/** Alias of {@link it}. */
export const test: It = it;

/** Runs once before the tests of the enclosing describe (or module). */
export function beforeAll(fn: TestFn): void {
  checkFn('beforeAll', fn);
  currentSuite('beforeAll').hooks.beforeAll.push(fn);
}

/** Runs once after the tests of the enclosing describe (or module), even when they failed. */
export function afterAll(fn: TestFn): void {
  checkFn('afterAll', fn);
  currentSuite('afterAll').hooks.afterAll.push(fn);
}

/** Runs before each test of the enclosing describe (outer hooks first). */
export function beforeEach(fn: TestFn): void {
  checkFn('beforeEach', fn);
  currentSuite('beforeEach').hooks.beforeEach.push(fn);
}

/** Runs after each test of the enclosing describe (inner hooks first), even when it failed. */
export function afterEach(fn: TestFn): void {
  checkFn('afterEach', fn);
  currentSuite('afterEach').hooks.afterEach.push(fn);
}
