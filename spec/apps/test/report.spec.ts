import { summarize } from '../../../apps/test/report';
import { results } from './results-fixture';

describe('summarize', () => {
  it('should count by status and be ok only without failures and errors', () => {
    const report = summarize(results, ['math', 'io'], [], 10);
    expect(report).toMatchObject({ tests: 4, passed: 1, failed: 1, errors: 1, skipped: 1, ok: false });
    expect(summarize(results.slice(0, 1), ['math'], [], 1).ok).toBe(true);
  });
});
