/**
 * A resolved configuration: the value of every setting visible to one application.
 *
 * Precedence, lowest first: setting defaults ← application defaults (code) ← config file ←
 * the file's `<app>__<setting>` overrides ← environment (`RXPULSAR_<NAME>`, then
 * `RXPULSAR_<APP>__<NAME>`) ← command line. Every value passes its setting's validator; a bad one
 * throws `RXP_ERR_INVALID_SETTING` naming the setting.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createError, isRxPulsarError } from '../errors';
import { allSettings, findSetting, settingsFor, type Setting } from './registry';
import { parseArgv } from './cli';
import './settings';

export type SettingValues = Record<string, unknown>;

export interface LoadOptions {
  /** Applications whose settings are visible (globals are always). */
  readonly apps?: readonly string[];
  /** Name of the application, for `<app>__<setting>` overrides. */
  readonly appName?: string;
  /** Values given in code (`new App({ workers: 2 })`), above defaults. */
  readonly defaults?: SettingValues;
  /** Command line arguments (without node and script); omitted = none. */
  readonly argv?: readonly string[];
  /** Environment; omitted = none. */
  readonly env?: NodeJS.ProcessEnv;
}

export class Config {
  readonly #values = new Map<string, unknown>();
  readonly #settings: Map<string, Setting<unknown>>;
  /** Positional command-line arguments (e.g. test labels). */
  readonly positional: readonly string[];

  constructor(settings: readonly Setting<unknown>[], values: SettingValues = {}, positional: readonly string[] = []) {
    this.#settings = new Map(settings.map((s) => [s.name, s]));
    for (const s of settings) this.#values.set(s.name, s.default);
    for (const [name, value] of Object.entries(values)) this.set(name, value);
    this.positional = positional;
  }

  /** Builds a configuration from defaults, code, config file, environment and argv. */
  static load(options: LoadOptions = {}): Config {
    const settings = settingsFor(options.apps ?? []);
    // Flags of every registered setting are understood, so that several applications started by
    // one script share one command line; each application keeps only the values it has.
    const visible = new Set(settings.map((s) => s.name));
    const parsed = parseArgv(options.argv ?? [], allSettings());
    const cli = { ...parsed, values: Object.fromEntries(Object.entries(parsed.values).filter(([name]) => visible.has(name))) };
    const cfg = new Config(settings, {}, cli.positional);
    cfg.#apply(options.defaults ?? {}, 'code');
    const file = (cli.values.config as string | undefined) ?? envValue(options.env, 'config') ?? (options.defaults?.config as string | undefined);
    if (file) {
      const loaded = loadConfigFile(file);
      const overrides: SettingValues = {};
      const prefix = options.appName ? `${options.appName}__` : undefined;
      for (const [key, value] of Object.entries(loaded)) {
        if (key.includes('__')) {
          if (prefix && key.startsWith(prefix)) overrides[key.slice(prefix.length)] = value;
        } else if (cfg.has(key)) {
          cfg.set(key, value);
        } // keys of other apps' settings are ignored, as pulsar does
      }
      cfg.#apply(overrides, 'file');
      cfg.set('config', file);
    }
    if (options.env) {
      for (const s of settings) {
        const raw = envValue(options.env, s.name, options.appName);
        if (raw !== undefined) cfg.set(s.name, raw);
      }
    }
    cfg.#apply(cli.values, 'cli');
    return cfg;
  }

  #apply(values: SettingValues, _source: string): void {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      this.set(name, value);
    }
  }

  has(name: string): boolean {
    return this.#settings.has(name.replace(/-/g, '_'));
  }

  /** The typed value of a setting (pass the handle from `defineSetting`) or, untyped, of a name. */
  get<T>(setting: Setting<T>): T;
  get(name: string): unknown;
  get(setting: Setting<unknown> | string): unknown {
    const name = typeof setting === 'string' ? setting.replace(/-/g, '_') : setting.name;
    if (!this.#values.has(name)) {
      // A setting of another app, or one declared after this config was built: its default.
      const known = findSetting(name);
      if (!known) throw createError('RXP_ERR_UNKNOWN_SETTING', name);
      return known.default;
    }
    return this.#values.get(name);
  }

  /** Validates and sets a value; throws RXP_ERR_INVALID_SETTING / RXP_ERR_UNKNOWN_SETTING. */
  set(name: string, raw: unknown): void {
    const key = name.replace(/-/g, '_');
    const setting = this.#settings.get(key) ?? findSetting(key);
    if (!setting) throw createError('RXP_ERR_UNKNOWN_SETTING', name);
    let value: unknown;
    try {
      value = setting.validate(raw);
    } catch (error) {
      if (isRxPulsarError(error)) throw error;
      throw createError('RXP_ERR_INVALID_SETTING', key, (error as Error).message);
    }
    this.#settings.set(key, setting);
    this.#values.set(key, value);
  }

  /** Plain values, to ship to workers (`Config.fromJSON`). */
  toJSON(): SettingValues {
    return Object.fromEntries(this.#values);
  }

  /** Rebuilds a configuration in a worker; unknown names (settings not loaded there) are kept raw. */
  static fromJSON(values: SettingValues, positional: readonly string[] = []): Config {
    const names = Object.keys(values);
    const settings = names.map((n) => findSetting(n)).filter((s): s is Setting<unknown> => s !== undefined);
    const cfg = new Config(settings, {}, positional);
    for (const name of names) {
      if (findSetting(name)) cfg.set(name, values[name]);
      else cfg.#values.set(name, values[name]);
    }
    return cfg;
  }
}

function envValue(env: NodeJS.ProcessEnv | undefined, name: string, appName?: string): string | undefined {
  if (!env) return undefined;
  const upper = name.toUpperCase();
  const perApp = appName ? env[`RXPULSAR_${appName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}__${upper}`] : undefined;
  return perApp ?? env[`RXPULSAR_${upper}`];
}

function loadConfigFile(file: string): SettingValues {
  const path = resolve(file);
  if (!existsSync(path)) throw createError('RXP_ERR_CONFIG_FILE', file, 'no such file');
  let loaded: unknown;
  try {
    // require() handles .js and .json; .ts works when a TypeScript loader (ts-node) is registered.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path);
  } catch (error) {
    throw createError('RXP_ERR_CONFIG_FILE', file, (error as Error).message.split('\n')[0]);
  }
  const exported = (loaded as { default?: unknown }).default ?? loaded;
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw createError('RXP_ERR_CONFIG_FILE', file, 'it must export an object of settings');
  }
  return exported as SettingValues;
}
