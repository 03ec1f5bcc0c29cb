/**
 * The shell sample as users run it: a child process with stdin piped (no TTY), the arbiter alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const children = new Set<ChildProcess>();

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `samples/pshell` with `script` on stdin; killed if it has not exited within `limitMs`. */
function runShell(script: string, args: readonly string[] = [], limitMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './register.js', 'samples/pshell/index.ts', ...args], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, RXPULSAR_LOG_LEVEL: 'warn' },
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pshell did not exit within ${limitMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin!.end(script);
  });
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('samples/pshell (PulsarShell), stdin piped', () => {
  it('should print the values of an Observable expression as they arrive, use the runtime, and exit 0', async () => {
    const script = [
      'interval(10).pipe(take(3), map((i) => `tick ${i}`))',
      'await firstValueFrom(send("arbiter", "ping"))',
      'const ref = await firstValueFrom(spawn({ concurrency: "thread", name: "probe" }))',
      'ref.send("echo", "through a thread")',
      'actors().map((a) => a.name).sort().join(",")',
      '',
    ].join('\n');
    const run = await runShell(script);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(["'tick 0'", "'tick 1'", "'tick 2'", "'pong'", "'through a thread'", "'probe,pshell-worker'", ''].join('\n'));
    expect(run.code).toBe(0);
  });

  it('should exit with status 1 when an evaluation of the script failed', async () => {
    const run = await runShell('throwError(() => new Error("kaputt"))\n"still running"\n');
    expect(run.stdout).toMatch(/Uncaught Error: kaputt/);
    expect(run.stdout).toMatch(/'still running'\n$/);
    expect(run.code).toBe(1);
  });
});
