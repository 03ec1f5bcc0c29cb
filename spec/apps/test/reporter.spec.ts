import { PassThrough } from 'node:stream';
import { Reporter } from '../../../apps/test/reporter';
import { summarize } from '../../../apps/test/report';
import type { TestResult } from '../../../apps/test/types';
import { results } from './results-fixture';

describe('Reporter', () => {
  const capture = (tty: boolean) => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream: Object.assign(stream, { isTTY: tty, columns: 200 }), text: () => text };
  };
  const feed = (reporter: Reporter): void => {
    reporter.event({ type: 'suite:start', modules: 2, workers: 2, concurrency: 'thread' });
    reporter.event({ type: 'module:start', module: 'math', tests: 2, worker: 'w1' });
    reporter.event({ type: 'module:start', module: 'io', tests: 2, worker: 'w2' });
    for (const result of results) reporter.event({ type: 'test', result });
    reporter.event({ type: 'module:end', module: 'math', duration: 3, worker: 'w1' });
    reporter.event({ type: 'module:end', module: 'io', duration: 3, worker: 'w2' });
  };

  it('should print a character per test when not on a terminal, then failures and the summary', () => {
    const out = capture(false);
    const reporter = new Reporter({ stream: out.stream, verbosity: 1 });
    feed(reporter);
    reporter.end(summarize(results, ['math', 'io'], ['/tmp/p.cpuprofile'], 2500));
    const text = out.text();
    expect(text.startsWith('.FEs\n')).toBe(true);
    expect(text).toContain('FAIL: math > calc > <sub> & "minus"\n');
    expect(text).toContain('ERROR: io > reads\n');
    expect(text).toContain('CPU profile: /tmp/p.cpuprofile\n');
    expect(text).toContain('Ran 4 tests in 2.500s\n');
    expect(text.endsWith('FAILED (failures=1, errors=1, skipped=1)\n')).toBe(true);
  });

  it('should keep one live progress line on a terminal and clear it at the end', () => {
    const out = capture(true);
    const reporter = new Reporter({ stream: out.stream, verbosity: 1 });
    feed(reporter);
    const live = out.text();
    expect(live).toContain('\r\x1b[2Ktests 4/4  modules 2/2  1 failed, 1 errors, 1 skipped');
    expect(live).toContain('running: math, io');
    expect(live).not.toContain('\n');
    reporter.end(summarize(results.slice(0, 1), ['math'], [], 10));
    expect(out.text().slice(live.length).startsWith('\r\x1b[2K')).toBe(true);
    expect(out.text().endsWith('OK\n')).toBe(true);
  });

  it('should print one line per test at verbosity 2, and only the summary at 0', () => {
    const verbose = capture(true);
    const two = new Reporter({ stream: verbose.stream, verbosity: 2 });
    feed(two);
    expect(verbose.text()).toContain('Running 2 modules on 2 thread workers\n');
    expect(verbose.text()).toContain('ok     math > calc > adds (1.50 ms)\n');
    expect(verbose.text()).toContain('skip   io > later (not yet)\n');
    const quiet = capture(false);
    const zero = new Reporter({ stream: quiet.stream, verbosity: 0 });
    feed(zero);
    expect(quiet.text()).toBe('');
  });

  it('should print benchmark timings', () => {
    const out = capture(false);
    const reporter = new Reporter({ stream: out.stream, verbosity: 0 });
    const bench: TestResult = { ...results[0], bench: { runs: 5, min: 1, median: 2, p99: 4.5, mean: 2.2, max: 4.5 } };
    reporter.end(summarize([bench], ['math'], [], 10));
    expect(out.text()).toMatch(/benchmark \(ms\)\s+runs\s+min\s+median\s+p99\nmath > calc > adds\s+5\s+1\.00\s+2\.00\s+4\.50\n/);
  });
});
