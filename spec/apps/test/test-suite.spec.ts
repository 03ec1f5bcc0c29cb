/**
 * The test app for real: the fixture suite (spec/fixtures/test-suite) spread over thread and
 * process workers, labels, --sequential, --test-timeout, --benchmark, --profile, --junit, a lost
 * worker, and the command line's exit status.
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isRxPulsarError } from 'rxpulsar';
import { TestSuite, type TestReport, type TestResult } from 'rxpulsar/apps/test';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'spec', 'fixtures', 'test-suite');
const tmp = mkdtempSync(join(tmpdir(), 'rxpulsar-test-app-'));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

async function runSuite(args: readonly string[], modules: readonly string[] = [fixtures]): Promise<{ report: TestReport; output: string }> {
  const stream = new PassThrough();
  let output = '';
  stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const suite = new TestSuite({ name: 'fixtures', modules, argv: [...args, '--log-level', 'error'], output: stream, server: false });
  const report = await suite.run();
  return { report, output };
}

const counts = (r: TestReport) => ({ tests: r.tests, passed: r.passed, failed: r.failed, errors: r.errors, skipped: r.skipped, ok: r.ok });
const find = (r: TestReport, title: string): TestResult | undefined => r.results.find((x) => x.title === title);
/** The whole fixture suite with a 0.5 s test timeout. */
const FULL = { tests: 18, passed: 9, failed: 3, errors: 5, skipped: 1, ok: false };

describe('TestSuite (rxpulsar/apps/test)', () => {
  it('should run the fixture suite on 2 thread workers, write a JUnit report and a CPU profile per worker', async () => {
    const junit = join(tmp, 'reports', 'junit.xml');
    const profiles = join(tmp, 'profiles');
    const { report, output } = await runSuite([
      '--workers', '2', '--concurrency', 'thread', '--test-timeout', '0.5',
      '--junit', junit, '--profile', '--profile-dir', profiles,
    ]);
    expect(counts(report)).toEqual(FULL);
    expect(report.modules.slice().sort()).toEqual(['errors', 'load-error', 'math', 'nested.strings', 'order', 'slow']);
    expect(new Set(report.results.map((r) => r.worker)).size).toBe(2);
    expect(output).toMatch(/FAILED \(failures=3, errors=5, skipped=1\)\n$/);

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="fixtures" tests="18" failures="3" errors="5" skipped="1" time="[\d.]+">/);
    expect(xml.match(/<failure /g)).toHaveLength(3);
    expect(xml.match(/<error /g)).toHaveLength(5);
    expect(xml).toContain('<error message="Test &quot;slow &gt; never completes&quot; did not finish within 500 ms" type="RXP_ERR_TEST_TIMEOUT">');

    expect(report.profiles).toHaveLength(2);
    for (const file of report.profiles) {
      expect(file.startsWith(profiles)).toBe(true);
      expect(file).toMatch(/fixtures-[0-9a-f]{8}\.cpuprofile$/);
      const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: unknown[]; startTime: number; endTime: number };
      expect(profile.nodes.length).toBeGreaterThan(0);
      expect(profile.endTime).toBeGreaterThan(profile.startTime);
    }
  });

  it('should give the same counts on 2 process workers', async () => {
    const { report } = await runSuite(['--workers', '2', '--concurrency', 'process', '--test-timeout', '0.5']);
    expect(counts(report)).toEqual(FULL);
    expect(new Set(report.results.map((r) => r.worker)).size).toBe(2);
    expect(find(report, '(load)')?.error?.code).toBe('RXP_ERR_TEST_LOAD');
    expect(find(report, 'errors > fails after an await')?.status).toBe('failed');
    expect(find(report, 'errors > throws a TypeError')?.error?.name).toBe('TypeError');
  });

  describe('selection and options (inline workers)', () => {
    const inline = ['--concurrency', 'inline', '--workers', '1'];

    it('should run only the labelled modules, or the tests whose title a label names', async () => {
      expect(counts((await runSuite(['math', ...inline])).report)).toEqual({ tests: 4, passed: 3, failed: 1, errors: 0, skipped: 0, ok: false });
      const adds = (await runSuite(['math:adds', ...inline])).report;
      expect(adds.results.map((r) => r.title).sort()).toEqual(['math > adds asynchronously', 'math > adds synchronously']);
      expect(adds.ok).toBe(true);
      const nested = (await runSuite(['nested', 'math:sums', ...inline])).report;
      expect(nested.modules.slice().sort()).toEqual(['math', 'nested.strings']);
      expect(counts(nested)).toEqual({ tests: 4, passed: 4, failed: 0, errors: 0, skipped: 0, ok: true });
    });

    it('should refuse a label that matches no module', async () => {
      const error = await runSuite(['nope', ...inline]).catch((e: unknown) => e);
      expect(isRxPulsarError(error, 'RXP_ERR_TEST_UNKNOWN_LABEL')).toBe(true);
    });

    it('should run the tests of a describe concurrently, and one after another with --sequential', async () => {
      const concurrent = (await runSuite(['order', ...inline])).report;
      expect(find(concurrent, 'shared state > first')?.status).toBe('failed');
      expect(find(concurrent, 'shared state > second')?.status).toBe('passed');
      const sequential = (await runSuite(['order', '--sequential', ...inline])).report;
      expect(counts(sequential)).toEqual({ tests: 2, passed: 2, failed: 0, errors: 0, skipped: 0, ok: true });
    });

    it('should error a test that outlives --test-timeout and unsubscribe it, and honour a test\'s own timeout', async () => {
      const { report } = await runSuite(['slow', '--test-timeout', '0.2', ...inline]);
      const never = find(report, 'slow > never completes');
      expect(never?.status).toBe('error');
      expect(never?.error?.code).toBe('RXP_ERR_TEST_TIMEOUT');
      expect(never?.error?.message).toBe('Test "slow > never completes" did not finish within 200 ms');
      expect(find(report, 'slow > takes a while but has time')?.status).toBe('passed');
      expect(find(report, 'slow > saw the timed-out Observable unsubscribed')?.status).toBe('passed');
    });

    it('should repeat tests with --benchmark --repeat and report min/median/p99', async () => {
      const { report, output } = await runSuite(['math:adds synchronously', '--benchmark', '--repeat', '7', ...inline]);
      const bench = find(report, 'math > adds synchronously')?.bench;
      expect(bench?.runs).toBe(7);
      expect(bench!.min).toBeLessThanOrEqual(bench!.median);
      expect(bench!.median).toBeLessThanOrEqual(bench!.p99);
      expect(output).toMatch(/benchmark \(ms\)\s+runs\s+min\s+median\s+p99\nmath > math > adds synchronously\s+7\s/);
    });
  });

  it('should report a worker that died as an error of its module and run the rest on a new worker', async () => {
    const { report } = await runSuite(['--workers', '1', '--concurrency', 'thread'], [join(fixtures, '_crash')]);
    const lost = find(report, '(worker lost)');
    expect(lost?.module).toBe('a-exits');
    expect(lost?.error?.code).toBe('RXP_ERR_TEST_WORKER_LOST');
    expect(find(report, 'after > still runs')?.status).toBe('passed');
    expect(lost?.worker).not.toBe(find(report, 'after > still runs')?.worker);
  });

  describe('command line', () => {
    function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawnProcess(process.execPath, ['-r', './register.js', 'spec/fixtures/test-suite/run.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        children.add(child);
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`test app did not exit within 20 s: ${stdout} ${stderr}`));
        }, 20_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          children.delete(child);
          resolve({ code, stdout, stderr });
        });
      });
    }

    it('should exit 0 when every selected test passes and 1 when one fails', async () => {
      const [passing, failing] = await Promise.all([
        cli(['math:adds', '--concurrency', 'thread']),
        cli(['math', 'nested', '--concurrency', 'process', '--workers', '2', '--verbosity', '2']),
      ]);
      expect(passing.stdout).toMatch(/\.\.\n-+\nRan 2 tests in [\d.]+s\n\nOK\n$/);
      expect(passing.code).toBe(0);
      expect(failing.stdout).toMatch(/^Running 2 modules on 2 process workers\n/);
      expect(failing.stdout).toMatch(/\nFAIL   math > math > subtracts \(broken on purpose\) \(/);
      expect(failing.stdout).toMatch(/FAILED \(failures=1\)\n$/);
      expect(failing.code).toBe(1);
    });

    it('should list labels, and exit 2 on an unknown label', async () => {
      const [list, unknown] = await Promise.all([cli(['--list-labels']), cli(['nope'])]);
      expect(list.stdout).toBe('errors\nload-error\nmath\nnested.strings\norder\nslow\n');
      expect(list.code).toBe(0);
      expect(unknown.stderr).toBe('rxpulsar: error: No test module matches label "nope"\n');
      expect(unknown.code).toBe(2);
    });
  });
});
