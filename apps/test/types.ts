/**
 * The data of the test app: what a worker is asked to run (a module job), what it streams back
 * (runner events) and what the arbiter makes of it (the report). Everything here crosses threads
 * and processes, so it is plain structured-clone data.
 */

export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** An error as it travels from a worker: assertion failures keep their diff in `message`. */
export interface TestError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Timings of a test run `runs` times (`--benchmark --repeat N`), in milliseconds. */
export interface BenchStats {
  readonly runs: number;
  readonly min: number;
  readonly median: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export interface TestResult {
  /** Label of the module (`nested.strings`). */
  readonly module: string;
  /** `describe > ... > it`, the name users select with `module:text`. */
  readonly title: string;
  /** The describe names and the test name. */
  readonly path: readonly string[];
  readonly status: TestStatus;
  /** Milliseconds the test body took (the last run when repeated). */
  readonly duration: number;
  readonly error?: TestError;
  /** Why it was skipped. */
  readonly reason?: string;
  readonly bench?: BenchStats;
  /** Id of the worker actor that ran it (set by the arbiter). */
  readonly worker?: string;
}

/** One module for one worker: the `run_module` command's argument. */
export interface ModuleJob {
  readonly module: string;
  /** Absolute path of the test module. */
  readonly file: string;
  /** Run only tests whose title contains one of these (empty: all). */
  readonly grep: readonly string[];
  /** Default timeout of a test or hook, ms (0: none). */
  readonly timeout: number;
  /** Run the tests of every describe one after another (default: concurrently). */
  readonly sequential: boolean;
  /** Run each test this many times and report timings (benchmark mode). */
  readonly repeat: number;
  readonly benchmark: boolean;
}

/** What a worker streams back while it runs a module. */
export type RunnerEvent =
  | { readonly type: 'module:start'; readonly module: string; readonly tests: number; readonly worker?: string }
  | { readonly type: 'test'; readonly result: TestResult }
  | { readonly type: 'module:end'; readonly module: string; readonly duration: number; readonly worker?: string };

/** Events of a whole run, as the arbiter sees them. */
export type SuiteEvent =
  | { readonly type: 'suite:start'; readonly modules: number; readonly workers: number; readonly concurrency: string }
  | RunnerEvent
  | { readonly type: 'worker:done'; readonly worker: string; readonly profile?: string };

export interface TestReport {
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
  /** Wall-clock milliseconds of the run. */
  readonly duration: number;
  readonly results: readonly TestResult[];
  /** Labels of the modules run. */
  readonly modules: readonly string[];
  /** `.cpuprofile` files written (`--profile`). */
  readonly profiles: readonly string[];
  /** No failures and no errors. */
  readonly ok: boolean;
}
