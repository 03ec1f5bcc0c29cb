/**
 * Console output of a test run (pulsar's `TestStream`, unittest's format):
 *
 * - verbosity 0: the summary only;
 * - verbosity 1: on a terminal, one live progress line rewritten as results arrive; otherwise a
 *   character per test (`.` passed, `F` failed, `E` error, `s` skipped);
 * - verbosity 2+: one line per test (`ok`, `FAIL`, `ERROR`, `skip`), 3 adds module lines;
 *
 * then the failures with their stacks, benchmark timings, profile files, "Ran N tests in Xs" and
 * "OK" or "FAILED (failures=…, errors=…)".
 */
import type { SuiteEvent, TestReport, TestResult } from './types';

export interface ReporterOptions {
  readonly stream: NodeJS.WritableStream;
  /** @default 1 */
  readonly verbosity?: number;
  /** Live progress line. @default the stream is a TTY */
  readonly tty?: boolean;
}

const LINE = '-'.repeat(70);
const DOUBLE = '='.repeat(70);
const CHAR: Record<TestResult['status'], string> = { passed: '.', failed: 'F', error: 'E', skipped: 's' };
const WORD: Record<TestResult['status'], string> = { passed: 'ok', failed: 'FAIL', error: 'ERROR', skipped: 'skip' };

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3));

export class Reporter {
  readonly #stream: NodeJS.WritableStream;
  readonly #verbosity: number;
  readonly #tty: boolean;
  #modules = 0;
  #modulesDone = 0;
  #found = 0;
  #done = 0;
  #failed = 0;
  #errors = 0;
  #skipped = 0;
  #dots = 0;
  #live = false;
  readonly #running = new Set<string>();

  constructor(options: ReporterOptions) {
    this.#stream = options.stream;
    this.#verbosity = options.verbosity ?? 1;
    this.#tty = options.tty ?? Boolean((options.stream as { isTTY?: boolean }).isTTY);
  }

  event(event: SuiteEvent): void {
    switch (event.type) {
      case 'suite:start':
        this.#modules = event.modules;
        if (this.#verbosity >= 2) this.#write(`Running ${event.modules} modules on ${event.workers} ${event.concurrency} workers\n`);
        break;
      case 'module:start':
        this.#found += event.tests;
        this.#running.add(event.module);
        if (this.#verbosity >= 3) this.#write(`${event.module}: ${event.tests} tests on worker ${event.worker ?? '?'}\n`);
        break;
      case 'module:end':
        this.#modulesDone++;
        this.#running.delete(event.module);
        break;
      case 'test':
        this.#result(event.result);
        break;
      default:
        break;
    }
    if (this.#verbosity === 1 && this.#tty) this.#progress();
  }

  #result(r: TestResult): void {
    this.#done++;
    if (r.status === 'failed') this.#failed++;
    else if (r.status === 'error') this.#errors++;
    else if (r.status === 'skipped') this.#skipped++;
    if (this.#verbosity >= 2) {
      const detail = r.status === 'skipped' ? ` (${r.reason ?? 'skipped'})` : ` (${ms(r.duration)} ms)`;
      this.#write(`${WORD[r.status].padEnd(6)} ${r.module} > ${r.title}${detail}\n`);
    } else if (this.#verbosity === 1 && !this.#tty) {
      this.#write(CHAR[r.status]);
      this.#dots++;
    }
  }

  #progress(): void {
    const problems = [this.#failed ? `${this.#failed} failed` : '', this.#errors ? `${this.#errors} errors` : '', this.#skipped ? `${this.#skipped} skipped` : '']
      .filter(Boolean)
      .join(', ');
    const running = [...this.#running].slice(0, 3).join(', ') + (this.#running.size > 3 ? ', …' : '');
    const columns = (this.#stream as { columns?: number }).columns || 100; // 0 on a terminal of unknown size
    const line = `tests ${this.#done}/${this.#found}  modules ${this.#modulesDone}/${this.#modules}${problems ? `  ${problems}` : ''}${running ? `  running: ${running}` : ''}`;
    this.#stream.write(`\r\x1b[2K${line.slice(0, Math.max(10, columns - 1))}`);
    this.#live = true;
  }

  /** Writes the final report. */
  end(report: TestReport): void {
    if (this.#live) this.#stream.write('\r\x1b[2K');
    if (this.#dots > 0) this.#write('\n');
    const problems = report.results.filter((r) => r.status === 'failed' || r.status === 'error');
    for (const r of problems) {
      const e = r.error;
      this.#write(`${DOUBLE}\n${r.status === 'failed' ? 'FAIL' : 'ERROR'}: ${r.module} > ${r.title}\n${LINE}\n${e?.stack ?? `${e?.name}: ${e?.message}`}\n\n`);
    }
    const benches = report.results.filter((r) => r.bench);
    if (benches.length > 0) {
      const names = benches.map((r) => `${r.module} > ${r.title}`);
      const width = Math.min(60, Math.max(...names.map((n) => n.length), 10));
      this.#write(`${'benchmark (ms)'.padEnd(width)}  ${'runs'.padStart(6)} ${'min'.padStart(9)} ${'median'.padStart(9)} ${'p99'.padStart(9)}\n`);
      benches.forEach((r, i) => {
        const b = r.bench!;
        this.#write(`${names[i].slice(0, width).padEnd(width)}  ${String(b.runs).padStart(6)} ${ms(b.min).padStart(9)} ${ms(b.median).padStart(9)} ${ms(b.p99).padStart(9)}\n`);
      });
      this.#write('\n');
    }
    for (const file of report.profiles) this.#write(`CPU profile: ${file}\n`);
    this.#write(`${LINE}\nRan ${report.tests} tests in ${(report.duration / 1000).toFixed(3)}s\n\n`);
    const counts = [report.failed ? `failures=${report.failed}` : '', report.errors ? `errors=${report.errors}` : '', report.skipped ? `skipped=${report.skipped}` : '']
      .filter(Boolean)
      .join(', ');
    this.#write(report.ok ? `OK${report.skipped ? ` (skipped=${report.skipped})` : ''}\n` : `FAILED (${counts})\n`);
  }

  #write(text: string): void {
    this.#stream.write(text);
  }
}
