import type { TestResult } from '../../../apps/test/types';

/** One result of each status (with characters that need escaping), shared by the report specs. */
export const results: TestResult[] = [
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
