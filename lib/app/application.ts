/**
 * An Application (pulsar's `Application`): configuration plus the hooks that run in the arbiter
 * (the monitor side: bind sockets, start shared services) and in each worker. The same
 * `new App(...).start()` line runs in both: in the master it becomes the arbiter and starts a
 * monitor whose workers re-run the user's main script (as `cluster` does); in a worker it finds
 * its boot data and attaches to the arbiter instead.
 */
import type { SchedulerLike } from 'rxjs';
import { hostedBootData } from '../actor/boot';
import { arbiter, startArbiter, type Arbiter, type WorkerSpec } from '../actor/arbiter';
import type { ActorContext } from '../actor/context';
import type { ActorDefinition } from '../actor/definition';
import type { Monitor } from '../actor/monitor';
import { Config, type SettingValues } from '../config/config';
import { formatHelp, parseArgv } from '../config/cli';
import { allSettings, settingsFor } from '../config/registry';
import { isRxPulsarError } from '../errors';
import { createHostedActor } from '../concurrency/hosted';
import { version } from '../version';

export interface ApplicationOptions {
  /** Application (and monitor) name. @default the class's `appName` */
  readonly name?: string;
  /**
   * Command line to parse. Default: `process.argv.slice(2)`, and then a bad option prints one
   * line and exits with status 2 (`--help`/`--version` print and exit 0). Pass an array (or
   * `false` for none) to get errors thrown instead, as a library.
   */
  readonly argv?: readonly string[] | false;
  /** Environment for `RXPULSAR_*` settings. @default process.env (false: none) */
  readonly env?: NodeJS.ProcessEnv | false;
  /** Settings given in code (above defaults, below config file, env and CLI). */
  readonly settings?: SettingValues;
  /** Install the arbiter's signal handlers and exit the process when it stops. @default true */
  readonly server?: boolean;
  /** Time source for supervision (virtual time in specs). */
  readonly scheduler?: SchedulerLike;
  /**
   * The script thread and process workers run (it must start this same application).
   * @default the main module (`require.main`), as `cluster` does
   */
  readonly main?: string;
}

export abstract class Application {
  /** Settings groups this application sees besides the global ones (e.g. `['socket']`). */
  static readonly settingApps: readonly string[] = [];
  /** Default name. */
  static readonly appName: string = 'app';

  readonly name: string;
  protected readonly options: ApplicationOptions;
  #config: Config | undefined;
  #monitor: Monitor | undefined;

  constructor(options: ApplicationOptions = {}) {
    this.options = options;
    this.name = options.name ?? (this.constructor as typeof Application).appName;
  }

  /** The resolved configuration (after `start()` / in a worker). */
  get config(): Config {
    if (!this.#config) this.#config = this.loadConfig([]);
    return this.#config;
  }

  get monitor(): Monitor | undefined {
    return this.#monitor;
  }

  /** Application defaults: the class's own setting defaults (e.g. a task queue's longer timeout). */
  protected defaults(): SettingValues {
    return {};
  }

  /** Runs in the arbiter before workers start (bind sockets, start shared services). */
  protected monitorStart(_arbiter: Arbiter, _config: Config): void | Promise<void> {}

  /** What every worker needs besides its identity (listening socket, entry script, ...). */
  protected workerSpec(): Partial<WorkerSpec> {
    return {};
  }

  /** Runs in each worker, before it reports started. */
  protected abstract workerStart(actor: ActorContext): void | Promise<void>;

  /** Runs in each worker when it stops (drain here), within graceful_timeout. */
  protected workerStop(_actor: ActorContext): void | Promise<void> {}

  /** Runs in the arbiter once every worker has started (print the URL here). */
  protected ready(_arbiter: Arbiter): void {}

  /** Loads the configuration of this application. */
  protected loadConfig(argv: readonly string[]): Config {
    const apps = [...(this.constructor as typeof Application).settingApps, this.name];
    const env = this.options.env === false ? undefined : (this.options.env ?? process.env);
    return Config.load({ apps, appName: this.name, defaults: { ...this.defaults(), ...(this.options.settings ?? {}) }, argv, env });
  }

  /**
   * Starts the application: in the master, the arbiter and a monitor of `workers` workers; in a
   * worker, this worker. Resolves once every worker has completed its handshake.
   */
  async start(): Promise<this> {
    const boot = hostedBootData();
    if (boot) {
      if (boot.app === this.name) await this.#startWorker(boot);
      return this;
    }
    const fromProcess = this.options.argv === undefined;
    const argv = this.options.argv === false ? [] : (this.options.argv ?? process.argv.slice(2));
    try {
      if (fromProcess) this.#handleHelp(argv);
      this.#config = this.loadConfig(argv);
    } catch (error) {
      if (fromProcess && isRxPulsarError(error)) {
        process.stderr.write(`rxpulsar: error: ${error.message.split('\n')[0]}\n`);
        process.exit(2);
      }
      throw error;
    }
    try {
      await this.#startMonitor(this.#config);
    } catch (error) {
      // Startup failures (pidfile taken, address in use, workers that cannot start) end a server
      // with one line and status 1; a library caller gets the error.
      if (fromProcess && isRxPulsarError(error)) {
        process.stderr.write(`rxpulsar: error: ${error.message.split('\n')[0]}\n`);
        await arbiter().kill('startup failed', 1);
        process.exit(1);
      }
      throw error;
    }
    this.ready(arbiter());
    return this;
  }

  async #startMonitor(config: Config): Promise<void> {
    const a = arbiter();
    a.configure(config, this.options.scheduler);
    if (this.options.server ?? true) startArbiter();
    else a.start({ signals: false, exit: false });
    await this.monitorStart(a, config);
    const concurrency = config.get('concurrency');
    const main = this.options.main ?? require.main?.filename ?? process.argv[1];
    this.#monitor = a.createMonitor({
      name: this.name,
      config,
      worker: {
        app: this.name,
        entry: main,
        argv: process.argv.slice(2),
        ...(concurrency === 'inline' ? { definition: this.#definition() } : {}),
        ...this.workerSpec(),
      },
    });
    await this.#monitor.ready();
  }

  /** Stops this application's workers (gracefully). */
  async stop(): Promise<void> {
    await this.#monitor?.stop('application stop');
  }

  #definition(): ActorDefinition {
    return {
      start: (actor) => this.workerStart(actor),
      stop: (actor) => this.workerStop(actor),
    };
  }

  async #startWorker(boot: NonNullable<ReturnType<typeof hostedBootData>>): Promise<void> {
    this.#config = Config.fromJSON(boot.config, boot.positional);
    const actor = createHostedActor(boot, {}, this.#definition());
    await actor.start();
  }

  #handleHelp(argv: readonly string[]): void {
    const settings = settingsFor([...(this.constructor as typeof Application).settingApps, this.name]);
    // Every registered flag is understood (several apps may share one command line, as
    // `Config.load` allows); `--help` lists this application's own.
    const parsed = parseArgv(argv, allSettings());
    if (parsed.help) {
      process.stdout.write(formatHelp(`${this.name}`, settings));
      process.exit(0);
    }
    if (parsed.version) {
      process.stdout.write(`rxpulsar ${version()}\n`);
      process.exit(0);
    }
  }
}

