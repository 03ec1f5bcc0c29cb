import { join } from 'node:path';
import { isRxPulsarError } from 'rxpulsar';
import { collectModule, listTests, selected } from '../../../apps/test/collect';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'test-suite');

describe('collectModule', () => {
  it('should load a module once and return its tree', () => {
    const file = join(fixtures, 'math.test.ts');
    const tree = collectModule(file);
    expect(listTests(tree).map((p) => p.title)).toEqual([
      'math > adds synchronously',
      'math > adds asynchronously',
      'math > sums a stream',
      'math > subtracts (broken on purpose)',
    ]);
    expect(collectModule(file)).toBe(tree);
  });

  it('should wrap a module that throws while loading in RXP_ERR_TEST_LOAD, keeping its frames', () => {
    let caught: unknown;
    try {
      collectModule(join(fixtures, 'load-error.test.ts'));
    } catch (error) {
      caught = error;
    }
    expect(isRxPulsarError(caught, 'RXP_ERR_TEST_LOAD')).toBe(true);
    expect((caught as Error).message).toMatch(/load-error\.test\.ts": this module fails to load on purpose$/);
    expect((caught as Error).stack).toMatch(/load-error\.test\.ts:\d+:\d+/);
  });

  it('should select titles by substring', () => {
    expect(selected('math > adds', [])).toBe(true);
    expect(selected('math > adds', ['sub', 'add'])).toBe(true);
    expect(selected('math > adds', ['sub'])).toBe(false);
  });
});
