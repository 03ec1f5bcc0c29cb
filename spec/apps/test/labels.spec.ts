import { join } from 'node:path';
import { isRxPulsarError } from 'rxpulsar';
import { discoverModules } from '../../../apps/test/discover';
import { parseLabels, selectModules } from '../../../apps/test/labels';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'test-suite');
const patterns = ['*.test.ts', '*.test.js'];

describe('labels', () => {
  const modules = discoverModules([fixtures], patterns);
  const pick = (...args: string[]) => selectModules(modules, parseLabels(args)).map((m) => `${m.label}${m.grep.length ? `:${m.grep.join('|')}` : ''}`);

  it('should select everything without labels', () => {
    expect(pick()).toHaveLength(6);
  });

  it('should select a module by its label or a dotted prefix, and tests by title text', () => {
    expect(pick('math')).toEqual(['math']);
    expect(pick('nested')).toEqual(['nested.strings']);
    expect(pick('math:adds', 'math:sums')).toEqual(['math:adds|sums']);
    expect(pick('math:adds', 'math')).toEqual(['math']); // the whole module wins
    expect(pick('order', 'math:adds')).toEqual(['math:adds', 'order']);
  });

  it('should not take a label for a prefix of a word', () => {
    expect(() => pick('mat')).toThrow(/No test module matches label "mat"/);
  });

  it('should throw RXP_ERR_TEST_UNKNOWN_LABEL for a label matching nothing', () => {
    let caught: unknown;
    try {
      pick('math', 'nope');
    } catch (error) {
      caught = error;
    }
    expect(isRxPulsarError(caught, 'RXP_ERR_TEST_UNKNOWN_LABEL')).toBe(true);
  });
});
