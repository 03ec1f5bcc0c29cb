import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../helpers/child';

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['-r', join(ROOT, 'register.js'), join(ROOT, 'samples', 'echo', 'index.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command line of an application', () => {
  it.each([
    [['--workers', '-1'], /^rxpulsar: error: Invalid value for setting "workers": expected an integer from 1 to 1024, got "-1"\n$/],
    [['--concurrency', 'fork'], /^rxpulsar: error: Invalid value for setting "concurrency": expected one of inline, thread, process, got "fork"\n$/],
    [['--frobnicate'], /^rxpulsar: error: Unknown command line option "--frobnicate"\n$/],
    [['--bind', '1.2.3.4:99999'], /^rxpulsar: error: Invalid value for setting "bind": .*\n$/],
  ])('%j exits with status 2 and one line naming the problem, no stack trace', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('--help prints the settings by section with defaults and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: echo \[options\]/);
    expect(result.stdout).toMatch(/Worker Processes:\n/);
    expect(result.stdout).toMatch(/-w, --workers INT\s+Number of worker actors.*\[default: 1\]/);
    expect(result.stdout).toMatch(/-b, --bind ADDRESS.*\[default: "127.0.0.1:8060"\]/);
    expect(result.stdout).toMatch(/--keep-alive SECONDS/);
  });

  it('--version prints the version and exits 0', () => {
    const result = run('--version');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^rxpulsar \d+\.\d+\.\d+\n$/);
  });
});
