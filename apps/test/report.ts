/** Builds the report of a run from the events it streamed. */
import type { SuiteEvent, TestReport, TestResult } from './types';

/** Accumulates events; `report()` any time (the report so far). */
export class ReportBuilder {
  readonly #results: TestResult[] = [];
  readonly #modules: string[] = [];
  readonly #profiles: string[] = [];

  add(event: SuiteEvent): void {
    if (event.type === 'test') this.#results.push(event.result);
    else if (event.type === 'module:start' && !this.#modules.includes(event.module)) this.#modules.push(event.module);
    else if (event.type === 'worker:done' && event.profile) this.#profiles.push(event.profile);
  }

  report(duration: number): TestReport {
    return summarize(this.#results, this.#modules, this.#profiles, duration);
  }
}

export function summarize(results: readonly TestResult[], modules: readonly string[], profiles: readonly string[], duration: number): TestReport {
  const count = (status: TestResult['status']): number => results.filter((r) => r.status === status).length;
  const failed = count('failed');
  const errors = count('error');
  return {
    tests: results.length,
    passed: count('passed'),
    failed,
    errors,
    skipped: count('skipped'),
    duration,
    results: [...results],
    modules: [...modules],
    profiles: [...profiles],
    ok: failed === 0 && errors === 0,
  };
}
