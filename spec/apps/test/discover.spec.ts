import { join } from 'node:path';
import { discoverModules, globToRegExp, moduleLabel } from '../../../apps/test/discover';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'test-suite');
const patterns = ['*.test.ts', '*.test.js'];

describe('discoverModules', () => {
  it('should find test modules recursively with dotted labels, skipping _ and . names and other files', () => {
    const modules = discoverModules([fixtures], patterns);
    expect(modules.map((m) => m.label)).toEqual(['errors', 'load-error', 'math', 'nested.strings', 'order', 'slow']);
    expect(modules.find((m) => m.label === 'nested.strings')?.file).toBe(join(fixtures, 'nested', 'strings.test.ts'));
  });

  it('should take files and directories relative to cwd, label from the entry, and ignore missing entries', () => {
    const modules = discoverModules(['math.test.ts', '_crash', 'missing-dir'], patterns, fixtures);
    expect(modules.map((m) => m.label)).toEqual(['a-exits', 'b-after', 'math']);
  });

  it('should build labels and patterns', () => {
    expect(moduleLabel('nested/strings.test.ts')).toBe('nested.strings');
    expect(moduleLabel('a/b.spec.js')).toBe('a.b');
    expect(moduleLabel('plain.ts')).toBe('plain');
    expect(globToRegExp('*.test.ts').test('x.test.ts')).toBe(true);
    expect(globToRegExp('*.test.ts').test('x.test.tsx')).toBe(false);
    expect(globToRegExp('*.test.ts').test('xtest.ts')).toBe(false);
  });
});
