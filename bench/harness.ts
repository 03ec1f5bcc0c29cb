/**
 * Small helpers shared by the benchmarks: argument parsing, median of repeats, table printing.
 * Benchmarks are never unit tests: they print figures for bench/RESULTS.md.
 */
export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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

/** CPU seconds (user + system) a process has used, from /proc (USER_HZ = 100). */
export function cpuSeconds(pid: number): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Stops a benchmark's child process (SIGTERM) and waits for its exit. */
export async function stopChild(child: import('node:child_process').ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
