/**
 * Loads a test module and returns the suite tree it declared. Runs in a test worker; a module is
 * loaded once per worker (workers keep their tree, so running it again — a repeated run, or two
 * inline workers sharing one module cache — finds the same tests).
 */
import { createError } from '../../lib/errors';
import { collectInto, newSuite, type SuiteNode, type TestCase } from './dsl';

const loaded = new Map<string, SuiteNode>();

export function collectModule(file: string): SuiteNode {
  const known = loaded.get(file);
  if (known) return known;
  const root = newSuite('');
  try {
    collectInto(root, () => {
      // A module already required by someone else would not declare anything again.
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    });
  } catch (error) {
    const failure = createError('RXP_ERR_TEST_LOAD', file, error instanceof Error ? error.message : String(error));
    // Where the module broke is what matters: keep the original frames under the catalog message.
    const frames = error instanceof Error && error.stack ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
    failure.stack = [`${failure.name}: ${failure.message}`, ...frames].join('\n');
    throw failure;
  }
  loaded.set(file, root);
  return root;
}

/** A test with the describes around it. */
export interface PlannedTest {
  readonly test: TestCase;
  readonly suites: readonly SuiteNode[];
  readonly path: readonly string[];
  readonly title: string;
}

/** Every test of `root` in declaration order, with its path and title. */
export function listTests(root: SuiteNode): PlannedTest[] {
  const out: PlannedTest[] = [];
  const walk = (suite: SuiteNode, suites: SuiteNode[], names: string[]): void => {
    for (const item of suite.items) {
      if (item.kind === 'suite') walk(item, [...suites, item], [...names, item.name]);
      else {
        const path = [...names, item.name];
        out.push({ test: item, suites, path, title: path.join(' > ') });
      }
    }
  };
  walk(root, [root], []);
  return out;
}

/** Does the title contain one of `grep` (or is `grep` empty)? */
export function selected(title: string, grep: readonly string[]): boolean {
  return grep.length === 0 || grep.some((text) => title.includes(text));
}
