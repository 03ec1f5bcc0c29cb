import * as t from '../../../apps/test/dsl';
import { collectInto, newSuite } from '../../../apps/test/dsl';
import { listTests } from '../../../apps/test/collect';
import { isRxPulsarError } from 'rxpulsar';

describe('test DSL', () => {
  it('should record nested describes, tests, hooks and options in declaration order', () => {
    const root = newSuite('');
    const hook = (): void => undefined;
    collectInto(root, () => {
      t.beforeAll(hook);
      t.it('top', () => undefined, { timeout: 2 });
      t.describe.sequential('outer', () => {
        t.beforeEach(hook);
        t.afterEach(hook);
        t.describe('inner', () => t.test('deep', () => undefined));
        t.afterAll(hook);
      });
      t.it.skip('todo');
    });
    expect(listTests(root).map((p) => p.title)).toEqual(['top', 'outer > inner > deep', 'todo']);
    expect(root.hooks.beforeAll).toEqual([hook]);
    const outer = root.items[1];
    expect(outer.kind === 'suite' && outer.options.sequential).toBe(true);
    expect(outer.kind === 'suite' && [outer.hooks.beforeEach.length, outer.hooks.afterEach.length, outer.hooks.afterAll.length]).toEqual([1, 1, 1]);
    expect(root.items[0]).toMatchObject({ kind: 'test', name: 'top', options: { timeout: 2 } });
    expect(root.items[2]).toMatchObject({ kind: 'test', name: 'todo', options: { skip: true } });
  });

  it('should refuse declarations outside a module load (RXP_ERR_TEST_DEFINITION)', () => {
    expect(() => t.it('loose', () => undefined)).toThrow(/outside a test module/);
    try {
      t.beforeEach(() => undefined);
    } catch (error) {
      expect(isRxPulsarError(error, 'RXP_ERR_TEST_DEFINITION')).toBe(true);
    }
    expect.assertions(2);
  });

  it('should refuse a describe body that returns a Promise, and a test that is not a function', () => {
    const root = newSuite('');
    expect(() => collectInto(root, () => t.describe('async', (async () => undefined) as unknown as () => void))).toThrow(/returned a Promise/);
    expect(() => collectInto(root, () => t.it('x', 42 as unknown as () => void))).toThrow(/needs a function, got number/);
  });

  it('should restore the previous collector after a load, even a failing one', () => {
    const outer = newSuite('');
    collectInto(outer, () => {
      expect(() => collectInto(newSuite(''), () => {
        throw new Error('inner load fails');
      })).toThrow('inner load fails');
      t.it('still goes to the outer suite', () => undefined);
    });
    expect(listTests(outer).map((p) => p.title)).toEqual(['still goes to the outer suite']);
  });
});
