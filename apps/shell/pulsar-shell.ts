/**
 * The shell as an application (pulsar's `PulsarShell`): `new PulsarShell().start()` parses the
 * command line, starts the arbiter and opens the shell in it.
 *
 * Why an Application around {@link startShell}: it brings what every rxpulsar program has — the
 * settings (`--help`, `--config`, `--log-level`, `--prompt`), the pidfile, signal handling and an
 * arbiter that stays alive while the user spawns actors from the prompt — and the shell shows up
 * as the application's one worker, like pulsar's. That worker is forced `inline`: a REPL needs the
 * main thread's stdin and `arbiter()`, both of which only the arbiter's thread has. `startShell`
 * stays usable alone, to embed a shell in any arbiter.
 *
 * When the input ends (or `.exit`) the arbiter stops: exit status 0, or 1 when a piped script
 * had an evaluation fail.
 */
import { arbiter } from '../../lib/actor/arbiter';
import type { ActorContext } from '../../lib/actor/context';
import { Application, type ApplicationOptions } from '../../lib/app/application';
import type { Config, SettingValues } from '../../lib/config/config';
import { shellHistory, shellPrompt } from './settings';
import { startShell, type Shell, type ShellExit, type ShellOptions } from './start-shell';

export interface PulsarShellOptions extends ApplicationOptions {
  /** Streams, extra names in scope, banner (the prompt and history come from the settings). */
  readonly shell?: Omit<ShellOptions, 'prompt' | 'history'>;
}

export class PulsarShell extends Application {
  static override readonly settingApps: readonly string[] = ['shell'];
  static override readonly appName: string = 'shell';

  protected declare readonly options: PulsarShellOptions;
  #shell: Shell | undefined;
  #exit: Promise<ShellExit> | undefined;

  constructor(options: PulsarShellOptions = {}) {
    super(options);
  }

  /** The open shell (in the arbiter, once started). */
  get shell(): Shell | undefined {
    return this.#shell;
  }

  /** Resolves when the shell session is over (before the arbiter stops). */
  get exit(): Promise<ShellExit> | undefined {
    return this.#exit;
  }

  protected override defaults(): SettingValues {
    return { workers: 1, concurrency: 'inline', log_level: 'warn' };
  }

  protected override loadConfig(argv: readonly string[]): Config {
    const config = super.loadConfig(argv);
    // Whatever the command line says: one shell, in the arbiter's thread (see the class comment).
    config.set('workers', 1);
    config.set('concurrency', 'inline');
    return config;
  }

  protected override workerStart(actor: ActorContext): void {
    // A restarted incarnation (after a heartbeat timeout during a long synchronous evaluation)
    // keeps the session that is already open on the terminal.
    if (this.#shell) return;
    const config = actor.config;
    const history = config.get(shellHistory);
    this.#shell = startShell({
      ...this.options.shell,
      prompt: config.get(shellPrompt),
      ...(history ? { history } : {}),
      context: { actor, ...(this.options.shell?.context ?? {}) },
    });
    this.#exit = this.#shell.closed;
    void this.#exit.then((exit) => this.#onClosed(exit));
  }

  protected override workerStop(): void {
    this.#shell?.close();
  }

  async #onClosed(exit: ShellExit): Promise<void> {
    const code = exit.errors > 0 && !this.#shell?.terminal ? 1 : 0;
    if (this.options.server ?? true) await arbiter().stop('shell closed', code);
    else await this.stop();
  }
}
