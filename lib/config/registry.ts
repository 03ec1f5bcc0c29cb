/**
 * The one registry of settings (pulsar's `KNOWN_SETTINGS`, gunicorn's names).
 *
 * A setting has a snake_case `name` (config files, `cfg.get`), CLI `flags` (kebab-case), an
 * environment variable (`RXPULSAR_<NAME>`), a default, a validator, a section and help text.
 * Apps declare their own settings in their own module with {@link defineSetting}; declaring a
 * name twice replaces the first declaration but keeps its place (pulsar's behaviour), so an app
 * can change a default.
 */
import { createError } from '../errors';

/** Parses a raw value (CLI string, env string, JSON, JS value) into the setting's type. */
export type Validator<T> = (raw: unknown) => T;

export interface SettingSpec<T> {
  /** snake_case name used in config files, `cfg.get()` and the environment variable. */
  readonly name: string;
  /** Applications this setting belongs to; omitted = global (every app). */
  readonly app?: string;
  /** Value when nothing else sets it. */
  readonly default: T;
  /** CLI option strings, e.g. `['-w', '--workers']`. Omitted = config file / env / code only. */
  readonly flags?: readonly string[];
  /** One paragraph shown by `--help` and in `docs/settings.md`. */
  readonly help: string;
  /** Placeholder for the value in `--help` (`INT`, `ADDRESS`, ...). */
  readonly meta?: string;
  /** A flag that takes no value (`--debug`); `--no-<flag>` turns it off. */
  readonly boolean?: boolean;
  /** `--help` / docs section. */
  readonly section: string;
  /** Turns a raw value into `T` or throws an `Error` whose message says what is expected. */
  readonly validate: Validator<T>;
}

export interface Setting<T> extends SettingSpec<T> {
  /** `RXPULSAR_<NAME>`. */
  readonly env: string;
  /** Declaration order, for `--help` and docs. */
  readonly order: number;
}

const registry = new Map<string, Setting<unknown>>();
let counter = 0;

/** Declares (or re-declares) a setting and returns its typed handle for `cfg.get(handle)`. */
export function defineSetting<T>(spec: SettingSpec<T>): Setting<T> {
  if (!/^[a-z][a-z0-9_]*$/.test(spec.name)) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', 'setting name', 'snake_case', spec.name);
  }
  const previous = registry.get(spec.name);
  const setting: Setting<T> = {
    ...spec,
    env: `RXPULSAR_${spec.name.toUpperCase()}`,
    order: previous ? previous.order : counter++,
  };
  // The default itself must pass the validator: a wrong default is a bug of the declaration.
  setting.validate(spec.default);
  registry.set(spec.name, setting as Setting<unknown>);
  return setting;
}

/** The setting called `name` (snake_case or kebab-case), or undefined. */
export function findSetting(name: string): Setting<unknown> | undefined {
  return registry.get(name.replace(/-/g, '_'));
}

/** Every setting visible to `apps` (global ones plus those of the named apps), in declaration order. */
export function settingsFor(apps?: readonly string[]): Setting<unknown>[] {
  const all = [...registry.values()].sort((a, b) => a.order - b.order);
  if (!apps) return all;
  return all.filter((s) => s.app === undefined || apps.includes(s.app));
}

/** Every registered setting, in declaration order (docs generation). */
export function allSettings(): Setting<unknown>[] {
  return settingsFor();
}
