/**
 * Small helpers shared by the benchmarks: argument parsing, median of repeats, table printing,
 * child processes (their CPU time, a line they print, stopping them).
 * Benchmarks are never unit tests: they print figures for bench/RESULTS.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * `npm run bench` runs the benchmarks compiled (`tsconfig.bench.json` → `.bench-build/`) against
 * the built package, in plain `node`: what users deploy. Run from the TypeScript sources through
 * the dev loader instead, every process pays for ts-node, which loads `node:repl` and with it
 * `node:domain` — and that puts every `EventEmitter#emit` on a slower, domain-aware path, in our
 * servers and actors as in the peers they are compared with.
 */
const fromSource = extname(__filename) === '.ts';

/** The project's root directory (the compiled benchmarks live in `.bench-build/bench`). */
export const PROJECT_ROOT = fromSource ? join(__dirname, '..') : join(__dirname, '..', '..');

/**
 * `node` arguments that run the benchmark file `name` (without extension) in a new process, the
 * way this one runs: compiled as it is, from source through the dev loader.
 */
export function benchScript(name: string): string[] {
  const file = join(__dirname, `${name}${extname(__filename)}`);
  return fromSource ? ['-r', join(PROJECT_ROOT, 'register.js'), file] : [file];
}

/**
 * Runs the benchmark file `name` with `args` in a new `node` pinned to `cpu` (`nodeArgs` go to
 * node itself); stdin and stdout are pipes, stderr is this process's.
 */
export function benchProcess(name: string, args: readonly string[], cpu: number, nodeArgs: readonly string[] = []): ChildProcess {
  return spawn('taskset', ['-c', String(cpu), process.execPath, ...nodeArgs, ...benchScript(name), ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/**
 * A benchmark server: {@link benchProcess} on CPU 1, ready once it prints `listening <port>`.
 * @throws (after killing it) when it exits or stays silent instead
 */
export async function startBenchServer(name: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = benchProcess(name, args, 1, nodeArgs);
  try {
    return { child, port: Number((await lineFrom(child, 'listening ')).split(' ')[1]) };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${name} ${args.join(' ')}: ${(error as Error).message}`);
  }
}

export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How `ours` compares with `base` when both were measured once per round: the median over rounds
 * of the two rates of the same round. This machine drifts between fast and slow phases; a ratio
 * of two medians can pair a fast-phase figure with a slow-phase one.
 */
export function pairedRatio(ours: readonly number[], base: readonly number[]): number {
  return median(ours.map((rate, i) => rate / base[i]));
}

/** Runs `once` with `window` calls in flight for `ms`; returns completed calls, and per second. */
export async function throughput(once: () => Promise<unknown>, window: number, ms: number): Promise<{ calls: number; rate: number }> {
  let done = 0;
  let running = true;
  const deadline = Date.now() + ms;
  const t0 = process.hrtime.bigint();
  const lane = async (): Promise<void> => {
    while (running) {
      await once();
      done++;
      if (Date.now() >= deadline) running = false;
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { calls: done, rate: done / seconds };
}

export function table(rows: ReadonlyArray<Record<string, string | number>>): string {
  const keys = Object.keys(rows[0] ?? {});
  const cell = (v: string | number): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (values: string[]): string => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => cell(r[k]))))].join('\n');
}

/** Clock ticks per second of /proc's CPU times (USER_HZ), read once. */
let clockTicks: number | undefined;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name, which may hold spaces and parentheses: utime and stime are stat(5)
  // fields 14 and 15, the 12th and 13th from here.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/**
 * The first line `child` prints that starts with `prefix`.
 * @throws when the child exits first, or after `timeoutMs`
 */
export function lineFrom(child: ChildProcess, prefix: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const done = (): void => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`process exited (${code}) before printing "${prefix}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${prefix}" line within ${timeoutMs} ms`));
    }, timeoutMs);
    lines.on('line', (text) => {
      if (!text.startsWith(prefix)) return;
      done();
      resolve(text);
    });
    child.once('exit', onExit);
  });
}

/** Stops a benchmark's child process (SIGTERM, SIGKILL after 3 s) and waits for its exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  await exited;
  clearTimeout(kill);
}
