import { summarize } from '../../../apps/test/report';
import type { TestResult } from '../../../apps/test/types';

const results: TestResult[] = [
  { module: 'math', title: 'calc > adds', path: ['calc', 'adds'], status: 'passed', duration: 1.5 },
  {
    module: 'math',
    title: 'calc > <sub> & "minus"',
    path: ['calc', '<sub> & "minus"'],
    status: 'failed',
    duration: 2,
    error: { name: 'AssertionError', code: 'ERR_ASSERTION', message: '2 to be 1', stack: 'AssertionError: 2 to be 1\n    at t.ts:1:1' },
  },
  { module: 'io', title: 'reads', path: ['reads'], status: 'error', duration: 0, error: { name: 'Error', message: 'EIO' } },
  { module: 'io', title: 'later', path: ['later'], status: 'skipped', duration: 0, reason: 'not yet' },
];

describe('summarize', () => {
  it('should count by status and be ok only without failures and errors', () => {
    const report = summarize(results, ['math', 'io'], [], 10);
    expect(report).toMatchObject({ tests: 4, passed: 1, failed: 1, errors: 1, skipped: 1, ok: false });
    expect(summarize(results.slice(0, 1), ['math'], [], 1).ok).toBe(true);
  });
});
