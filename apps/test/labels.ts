/**
 * Labels select what runs (positional arguments, as pulsar's): `math` runs the module labelled
 * `math`, `nested` every module under `nested.`, and `math:adds` only the tests of `math` whose
 * title (`describe > it`) contains `adds`. No label: everything.
 */
import { createError } from '../../lib/errors';
import type { TestModule } from './discover';

export interface LabelSelector {
  /** Module label or a dotted prefix of it. */
  readonly module: string;
  /** Title substring; undefined: every test of the module. */
  readonly grep?: string;
}

export interface SelectedModule extends TestModule {
  /** Title substrings to run (empty: all). */
  readonly grep: readonly string[];
}

export function parseLabels(args: readonly string[]): LabelSelector[] {
  return args
    .filter((arg) => arg.trim() !== '')
    .map((arg) => {
      const colon = arg.indexOf(':');
      return colon < 0 ? { module: arg } : { module: arg.slice(0, colon), grep: arg.slice(colon + 1) };
    });
}

function covers(selector: LabelSelector, label: string): boolean {
  return label === selector.module || label.startsWith(`${selector.module}.`);
}

/** Modules the selectors pick, with their greps. Throws RXP_ERR_TEST_UNKNOWN_LABEL for a label matching nothing. */
export function selectModules(modules: readonly TestModule[], selectors: readonly LabelSelector[]): SelectedModule[] {
  if (selectors.length === 0) return modules.map((m) => ({ ...m, grep: [] }));
  for (const selector of selectors) {
    if (!modules.some((m) => covers(selector, m.label))) throw createError('RXP_ERR_TEST_UNKNOWN_LABEL', selector.module);
  }
  const out: SelectedModule[] = [];
  for (const m of modules) {
    const matching = selectors.filter((s) => covers(s, m.label));
    if (matching.length === 0) continue;
    const whole = matching.some((s) => s.grep === undefined || s.grep === '');
    out.push({ ...m, grep: whole ? [] : [...new Set(matching.map((s) => s.grep!))] });
  }
  return out;
}
