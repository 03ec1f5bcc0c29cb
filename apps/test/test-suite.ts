/**
 * The asynchronous test suite (pulsar's `TestSuite`): test modules are found on disk, selected
 * by labels, and spread over `--workers` test-runner actors (`--concurrency thread|process`,
 * spawned from `runner-actor`), which stream results back to the arbiter as tests finish.
 *
 * ```ts
 * // runtests.ts — node -r ts-node/register runtests.ts [labels] [--workers 4] [--junit out.xml]
 * import { TestSuite } from 'rxpulsar/apps/test';
 * new TestSuite({ modules: ['tests'] }).start();
 * ```
 *
 * `start()` is the command line: `--help`, `--list-labels`, the run, the report, and the exit
 * status (0 all passed, 1 failures or errors, 2 bad usage). `run()` and `events()` are the same
 * run as a library, in an arbiter that keeps running.
 *
 * Unlike other applications its workers do not re-run the main script: they are plain actors
 * loading `runner-actor` (a `.ts` file from the sources, `.js` once compiled — resolved next to
 * this file, children inherit the TypeScript loader), so a suite script has no worker side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Observable, concat, defer, lastValueFrom, map, of, tap } from 'rxjs';
import { request, spawn } from '../../lib/actor/api';
import { arbiter, startArbiter, type Arbiter } from '../../lib/actor/arbiter';
import { hostedBootData } from '../../lib/actor/boot';
import { Application, type ApplicationOptions } from '../../lib/app/application';
import { formatHelp, parseArgv } from '../../lib/config/cli';
import type { Config, SettingValues } from '../../lib/config/config';
import { settingsFor } from '../../lib/config/registry';
import type { Concurrency } from '../../lib/config/settings';
import { isRxPulsarError } from '../../lib/errors';
import { version } from '../../lib/version';
import { discoverModules, type TestModule } from './discover';
import { dispatch, type TestWorker } from './dispatch';
import { toJUnitXml } from './junit';
import { parseLabels, selectModules, type SelectedModule } from './labels';
import { ReportBuilder } from './report';
import { Reporter } from './reporter';
import type { RunnerParams } from './runner-actor';
import * as s from './settings';
import type { ModuleJob, RunnerEvent, SuiteEvent, TestReport } from './types';

/** The test-runner actor module: `.ts` next to this file from the sources, `.js` once compiled. */
export const RUNNER_MODULE: string = require.resolve('./runner-actor');

export interface TestSuiteOptions extends ApplicationOptions {
  /** Directories (searched recursively) and files of test modules. @default the `test_modules` setting (`tests`) */
  readonly modules?: readonly string[];
  /** Directory that module paths, `--junit` and `--profile-dir` are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Where the report goes. @default process.stdout */
  readonly output?: NodeJS.WritableStream;
}

export class TestSuite extends Application {
  static override readonly settingApps: readonly string[] = ['test'];
  static override readonly appName: string = 'test';

  protected declare readonly options: TestSuiteOptions;
  #config: Config | undefined;
  #report: TestReport | undefined;

  constructor(options: TestSuiteOptions = {}) {
    super(options);
  }

  /** The configuration from the options' `argv` (the process's by default). */
  override get config(): Config {
    this.#config ??= this.loadConfig(this.#argv());
    return this.#config;
  }

  /** The report of the last `run()`/`start()`. */
  get report(): TestReport | undefined {
    return this.#report;
  }

  protected override defaults(): SettingValues {
    return { log_level: 'warn', ...(this.options.modules ? { test_modules: [...this.options.modules] } : {}) };
  }

  /** Every test module found, by label. */
  modules(): TestModule[] {
    const config = this.config;
    return discoverModules(config.get(s.testModules), config.get(s.testPattern), this.options.cwd);
  }

  /** The modules the labels (positional arguments) select. Throws RXP_ERR_TEST_UNKNOWN_LABEL. */
  selection(): SelectedModule[] {
    return selectModules(this.modules(), parseLabels(this.config.positional));
  }

  /**
   * The run as a stream: subscribing spawns the workers, feeds them the selected modules and
   * emits every event as it happens; it completes when every worker is done and stopped.
   * Unsubscribing stops the workers.
   */
  events(): Observable<SuiteEvent> {
    return defer(() => {
      const config = this.config;
      const a = arbiter();
      if (a.state === 'initial') a.configure(config, this.options.scheduler);
      const selection = this.selection();
      const concurrency = config.get('concurrency') as Concurrency;
      const workers = Math.max(1, Math.min(Number(config.get('workers')), selection.length));
      const jobs = selection.map((m): ModuleJob => this.#job(m));
      const params: RunnerParams = {
        suite: this.name,
        ...(config.get(s.profile) ? { profileDir: resolve(this.options.cwd ?? process.cwd(), config.get(s.profileDir)) } : {}),
      };
      const spawnWorker = (): Observable<TestWorker> =>
        spawn({
          name: `${this.name}-runner`,
          module: RUNNER_MODULE,
          concurrency,
          restart: 'temporary',
          params: { ...params },
          // The suite's own values, also when it runs inside the arbiter of another application.
          config: { log_level: config.get('log_level'), timeout: config.get('timeout'), graceful_timeout: config.get('graceful_timeout') },
        }).pipe(
          map((ref) => actorWorker(a, ref.aid)),
        );
      return concat(
        of<SuiteEvent>({ type: 'suite:start', modules: jobs.length, workers: jobs.length ? workers : 0, concurrency }),
        dispatch(jobs, { workers, spawnWorker }),
      );
    });
  }

  /** Runs the suite, prints the report (and writes `--junit`), resolves with the report. */
  async run(): Promise<TestReport> {
    const config = this.config;
    const started = Date.now();
    const reporter = new Reporter({ stream: this.options.output ?? process.stdout, verbosity: config.get(s.verbosity) });
    const builder = new ReportBuilder();
    await lastValueFrom(
      this.events().pipe(
        tap((event) => {
          builder.add(event);
          reporter.event(event);
        }),
      ),
      { defaultValue: undefined },
    );
    const report = builder.report(Date.now() - started);
    reporter.end(report);
    const junitFile = config.get(s.junit);
    if (junitFile) {
      const file = resolve(this.options.cwd ?? process.cwd(), junitFile);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, toJUnitXml(report, this.name));
    }
    this.#report = report;
    return report;
  }

  /**
   * The command line: `--help`, `--list-labels`, or a run whose exit status is 0 (all passed),
   * 1 (failures or errors) or 2 (bad usage: unknown flag or label).
   */
  override async start(): Promise<this> {
    if (hostedBootData()) return this; // a worker never runs a suite of its own
    const fromProcess = this.options.argv === undefined;
    const out = this.options.output ?? process.stdout;
    let selection: SelectedModule[];
    try {
      if (fromProcess) this.#handleHelp(this.#argv());
      selection = this.selection();
    } catch (error) {
      if (fromProcess && isRxPulsarError(error)) {
        process.stderr.write(`rxpulsar: error: ${error.message.split('\n')[0]}\n`);
        process.exit(2);
      }
      throw error;
    }
    const config = this.config;
    if (config.get(s.listLabels)) {
      for (const m of selection) out.write(config.get(s.verbosity) >= 2 ? `${m.label}\t${m.file}\n` : `${m.label}\n`);
      return this;
    }
    const server = this.options.server ?? true;
    const a = arbiter();
    a.configure(config, this.options.scheduler);
    if (server) startArbiter();
    else a.start({ signals: false, exit: false });
    let code = 0;
    try {
      code = (await this.run()).ok ? 0 : 1;
    } catch (error) {
      process.stderr.write(`rxpulsar: error: ${(error as Error).message}\n`);
      code = 2;
    }
    if (server) await a.stop('tests done', code);
    return this;
  }

  /** Test workers are spawned actors (`runner-actor`), not re-runs of the main script. */
  protected override workerStart(): void {}

  #job(m: SelectedModule): ModuleJob {
    const config = this.config;
    return {
      module: m.label,
      file: m.file,
      grep: m.grep,
      timeout: config.get(s.testTimeout) * 1000,
      sequential: config.get(s.sequential),
      benchmark: config.get(s.benchmark),
      repeat: config.get(s.benchmark) ? config.get(s.repeat) : 1,
    };
  }

  #argv(): readonly string[] {
    return this.options.argv === false ? [] : (this.options.argv ?? process.argv.slice(2));
  }

  #handleHelp(argv: readonly string[]): void {
    const settings = settingsFor([...TestSuite.settingApps, this.name]);
    const parsed = parseArgv(argv, settings);
    if (parsed.help) {
      process.stdout.write(formatHelp(`${this.name} [labels]`, settings));
      process.exit(0);
    }
    if (parsed.version) {
      process.stdout.write(`rxpulsar ${version()}\n`);
      process.exit(0);
    }
  }
}

/** A runner actor seen by the dispatcher. */
function actorWorker(a: Arbiter, aid: string): TestWorker {
  return {
    id: aid,
    // The first reply (module:start) comes once the module is loaded; results follow as they finish.
    run: (job) => request<RunnerEvent>({ to: aid, command: 'run_module', args: [job], timeout: 120_000 }),
    finish: () => request<string | null>({ to: aid, command: 'finish', timeout: 60_000 }),
    stop: () => a.find(aid)?.stop('tests done') ?? Promise.resolve(),
  };
}
