import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ActorEvent } from 'rxpulsar';

export const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'register.js');

/** A TypeScript script run as a separate process tree (its own arbiter), with its stdout lines. */
export class ChildScript {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly events: ActorEvent[] = [];
  stderr = '';
  #waiters: Array<() => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawnProcess(process.execPath, ['-r', REGISTER, join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, RXPULSAR_LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      if (line.startsWith('EVENT ')) this.events.push(JSON.parse(line.slice(6)) as ActorEvent);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits until `predicate` holds over what was read so far (checked at each new line). */
  async until<T>(predicate: () => T | undefined | false, ms = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`${what} not met within ${ms} ms (exit ${this.child.exitCode}); stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The URL printed by the ready line `<app> listening on <url>`. */
  url(): Promise<string> {
    return this.until(() => this.lines.map((l) => / listening on (\S+)/.exec(l)?.[1]).find(Boolean), 20_000, 'ready line');
  }

  /** Asks the tree to stop (SIGTERM), kills it if it has not exited after `graceMs`, waits for the exit. */
  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the whole tree (afterAll safety net). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
