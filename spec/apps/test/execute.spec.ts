import { AssertionError } from 'node:assert';
import { NEVER, Observable, lastValueFrom, map, of, throwError, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as t from '../../../apps/test/dsl';
import { collectInto, newSuite, type SuiteNode } from '../../../apps/test/dsl';
import { classify, cleanStack, executeSuite, type ExecuteOptions } from '../../../apps/test/execute';
import type { TestResult } from '../../../apps/test/types';

function suite(declare: () => void): SuiteNode {
  const root = newSuite('');
  collectInto(root, declare);
  return root;
}

const run = (root: SuiteNode, options: Partial<ExecuteOptions> = {}): Promise<TestResult[]> =>
  lastValueFrom(executeSuite(root, { module: 'm', timeout: 0, ...options }).pipe(toArray()));

const brief = (r: TestResult): string => `${r.title}:${r.status}`;

function virtual(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('executeSuite', () => {
  describe('in virtual time', () => {
    it('should emit each result when its test completes, and time out a test that never does', () => {
      const scheduler = virtual();
      scheduler.run(({ expectObservable }) => {
        const root = suite(() => {
          t.it('sync', () => undefined);
          t.it('fast', () => timer(10));
          t.it('never', () => NEVER);
        });
        const out$ = executeSuite(root, { module: 'm', timeout: 100, scheduler, now: () => scheduler.now() }).pipe(map(brief));
        expectObservable(out$).toBe('a 9ms b 89ms (c|)', { a: 'sync:passed', b: 'fast:passed', c: 'never:error' });
      });
    });

    it('should run the tests of a describe concurrently, or one after another when sequential', () => {
      const scheduler = virtual();
      scheduler.run(({ expectObservable }) => {
        const declare = (): void => {
          t.it('one', () => timer(10));
          t.it('two', () => timer(10));
        };
        const concurrent = suite(() => t.describe('d', declare));
        const sequential = suite(() => t.describe.sequential('d', declare));
        const options = { module: 'm', timeout: 0, scheduler };
        expectObservable(executeSuite(concurrent, options).pipe(map(brief))).toBe('10ms (ab|)', { a: 'd > one:passed', b: 'd > two:passed' });
        expectObservable(executeSuite(sequential, options).pipe(map(brief))).toBe('10ms a 9ms (b|)', { a: 'd > one:passed', b: 'd > two:passed' });
        expectObservable(executeSuite(suite(() => t.describe('d', declare)), { ...options, sequential: true }).pipe(map(brief))).toBe('10ms a 9ms (b|)', {
          a: 'd > one:passed',
          b: 'd > two:passed',
        });
      });
    });

    it('should prefer a test\'s own timeout, then its describe\'s, over the run\'s', () => {
      const scheduler = virtual();
      scheduler.run(({ expectObservable }) => {
        const root = suite(() => {
          t.describe('d', () => {
            t.it('inherits 50', () => timer(60));
            t.it('own 100', () => timer(60), { timeout: 0.1 });
          }, { timeout: 0.05 });
        });
        expectObservable(executeSuite(root, { module: 'm', timeout: 10, scheduler }).pipe(map(brief))).toBe('50ms a 9ms (b|)', {
          a: 'd > inherits 50:error',
          b: 'd > own 100:passed',
        });
      });
    });

    it('should unsubscribe a timed-out Observable and abort its signal with RXP_ERR_TEST_TIMEOUT', () => {
      const scheduler = virtual();
      let torn = false;
      let signal: AbortSignal | undefined;
      let result: TestResult | undefined;
      scheduler.run(({ flush }) => {
        const root = suite(() =>
          t.it('hangs', (t) => {
            signal = t.signal;
            return new Observable(() => () => (torn = true));
          }),
        );
        executeSuite(root, { module: 'm', timeout: 30, scheduler }).subscribe((r) => (result = r));
        flush();
      });
      expect(torn).toBe(true);
      expect(signal?.aborted).toBe(true);
      expect((signal?.reason as { code?: string }).code).toBe('RXP_ERR_TEST_TIMEOUT');
      expect(result?.status).toBe('error');
      expect(result?.error?.code).toBe('RXP_ERR_TEST_TIMEOUT');
      expect(result?.error?.message).toBe('Test "hangs" did not finish within 30 ms');
    });

    it('should repeat a test in benchmark mode and report min/median/p99 from the injected clock', () => {
      const scheduler = virtual();
      let result: TestResult | undefined;
      let runs = 0;
      scheduler.run(({ flush }) => {
        const root = suite(() =>
          t.it('bench', () => {
            runs++;
            return timer(runs * 2); // 2, 4, 6, 8, 10 ms
          }),
        );
        executeSuite(root, { module: 'm', timeout: 0, scheduler, now: () => scheduler.now(), benchmark: true, repeat: 5 }).subscribe((r) => (result = r));
        flush();
      });
      expect(runs).toBe(5);
      expect(result?.status).toBe('passed');
      expect(result?.bench).toEqual({ runs: 5, min: 2, median: 6, p99: 10, mean: 6, max: 10 });
    });
  });

  describe('outcomes', () => {
    it('should tell failures (assertions) from errors, and accept sync, Promise and Observable tests', async () => {
      const root = suite(() => {
        t.it('sync', () => undefined);
        t.it('promise', () => Promise.resolve(1));
        t.it('observable', () => of(1, 2));
        t.it('assertion', () => {
          throw new AssertionError({ message: 'nope' });
        });
        t.it('rejection', () => Promise.reject(new TypeError('bad')));
        t.it('observable error', () => throwError(() => new Error('oops')));
        t.it('non-error thrown', () => {
          throw 'a string'; // eslint-disable-line no-throw-literal
        });
        t.it.skip('later', undefined, 'not yet');
      });
      const results = await run(root);
      expect(results.map(brief).sort()).toEqual(
        [
          'assertion:failed',
          'later:skipped',
          'non-error thrown:error',
          'observable error:error',
          'observable:passed',
          'promise:passed',
          'rejection:error',
          'sync:passed',
        ].sort(),
      );
      expect(results.find((r) => r.title === 'later')?.reason).toBe('not yet');
      expect(results.find((r) => r.title === 'non-error thrown')?.error).toEqual({ name: 'Error', message: 'a string' });
      expect(results.every((r) => r.module === 'm')).toBe(true);
    });

    it('should run hooks in order: beforeAll, then outer-to-inner beforeEach, inner-to-outer afterEach, afterAll', async () => {
      const log: string[] = [];
      const root = suite(() => {
        t.beforeAll(() => void log.push('beforeAll'));
        t.beforeEach(() => void log.push('outer beforeEach'));
        t.afterEach(() => void log.push('outer afterEach'));
        t.afterAll(() => void log.push('afterAll'));
        t.describe.sequential('inner', () => {
          t.beforeEach(() => void log.push('inner beforeEach'));
          t.afterEach(() => void log.push('inner afterEach'));
          t.it('a', () => void log.push('a'));
          t.it('b', () => {
            log.push('b');
            throw new Error('b fails');
          });
        });
      });
      const results = await run(root);
      expect(results.map(brief)).toEqual(['inner > a:passed', 'inner > b:error']);
      expect(log).toEqual([
        'beforeAll',
        'outer beforeEach',
        'inner beforeEach',
        'a',
        'inner afterEach',
        'outer afterEach',
        'outer beforeEach',
        'inner beforeEach',
        'b',
        'inner afterEach', // afterEach runs even though b failed
        'outer afterEach',
        'afterAll',
      ]);
    });

    it('should turn every test of a describe whose beforeAll failed into an error, without running them', async () => {
      let ran = false;
      const root = suite(() =>
        t.describe('d', () => {
          t.beforeAll(() => Promise.reject(new Error('no database')));
          t.it('x', () => void (ran = true));
          t.describe('nested', () => t.it('y', () => void (ran = true)));
        }),
      );
      const results = await run(root);
      expect(ran).toBe(false);
      expect(results.map(brief)).toEqual(['d > x:error', 'd > nested > y:error']);
      expect(results[0].error?.code).toBe('RXP_ERR_TEST_HOOK');
      expect(results[0].error?.message).toBe('The beforeAll hook of "d" failed: no database');
    });

    it('should report a failing afterAll as an error of its own, and a failing afterEach as the test\'s error', async () => {
      const root = suite(() =>
        t.describe('d', () => {
          t.afterEach(() => {
            throw new Error('cleanup failed');
          });
          t.afterAll(() => {
            throw new Error('teardown failed');
          });
          t.it('x', () => undefined);
        }),
      );
      const results = await run(root);
      expect(results.map(brief)).toEqual(['d > x:error', 'd > afterAll:error']);
      expect(results[0].error?.message).toBe('The afterEach hook of "d > x" failed: cleanup failed');
      expect(results[1].error?.message).toBe('The afterAll hook of "d" failed: teardown failed');
    });

    it('should run only the tests whose title contains a grep, and no hooks of describes with none selected', async () => {
      const log: string[] = [];
      const root = suite(() => {
        t.describe('alpha', () => {
          t.beforeAll(() => void log.push('alpha beforeAll'));
          t.it('adds', () => undefined);
        });
        t.describe('beta', () => {
          t.beforeAll(() => void log.push('beta beforeAll'));
          t.it('adds too', () => undefined);
          t.it('subtracts', () => undefined);
        });
      });
      const results = await run(root, { grep: ['beta > adds', 'nothing'] });
      expect(results.map(brief)).toEqual(['beta > adds too:passed']);
      expect(log).toEqual(['beta beforeAll']);
    });

    it('should skip a whole describe.skip with its reason', async () => {
      const root = suite(() => t.describe.skip('d', () => t.it('x', () => undefined), 'flaky'));
      const results = await run(root);
      expect(results).toEqual([{ module: 'm', title: 'd > x', path: ['d', 'x'], status: 'skipped', duration: 0, reason: 'flaky' }]);
    });
  });

  describe('classify and cleanStack', () => {
    it('should classify by AssertionError or ERR_ASSERTION only', () => {
      expect(classify(new AssertionError({ message: 'x' }))).toBe('failed');
      expect(classify({ name: 'AssertionError', message: 'from another realm' })).toBe('failed');
      expect(classify(new Error('x'))).toBe('error');
      expect(classify(undefined)).toBe('error');
    });

    it('should drop the runner\'s own frames and keep the test\'s', () => {
      const stack = [
        'Error: boom',
        '    at fn (/home/me/tests/a.test.ts:3:9)',
        `    at x (${__dirname.replace('spec/apps/test', 'apps/test')}/execute.ts:1:1)`,
        '    at y (/x/node_modules/rxjs/dist/cjs/internal/Observable.js:1:1)',
        '    at z (node:internal/process/task_queues:95:5)',
      ].join('\n');
      expect(cleanStack(stack)).toBe('Error: boom\n    at fn (/home/me/tests/a.test.ts:3:9)');
    });
  });
});
