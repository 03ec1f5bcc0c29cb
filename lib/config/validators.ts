/**
 * Validators for settings: each turns a raw value (a CLI or env string, a JSON or JS value) into
 * the typed value, or throws an Error whose message says what was expected. The message becomes
 * the one line the CLI prints before exiting with status 2.
 */
import type { Validator } from './registry';

function describe(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : `${String(raw)} (${typeof raw})`;
}

export function integer(options: { min?: number; max?: number } = {}): Validator<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return (raw) => {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new Error(`expected an integer ${range}, got ${describe(raw)}`);
    }
    return value;
  };
}

export function number(options: { min?: number; max?: number } = {}): Validator<number> {
  const { min = -Infinity, max = Infinity } = options;
  return (raw) => {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
      throw new Error(`expected a number ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}, got ${describe(raw)}`);
    }
    return value;
  };
}

export const boolean: Validator<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off', ''].includes(text)) return false;
  }
  throw new Error(`expected true or false, got ${describe(raw)}`);
};

export function string(options: { nullable?: boolean } = {}): Validator<string> {
  return (raw) => {
    if (typeof raw === 'string') return raw.trim();
    if (options.nullable && (raw === null || raw === undefined)) return '';
    throw new Error(`expected a string, got ${describe(raw)}`);
  };
}

export function choice<T extends string>(values: readonly T[]): Validator<T> {
  return (raw) => {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw.trim())) return raw.trim() as T;
    throw new Error(`expected one of ${values.join(', ')}, got ${describe(raw)}`);
  };
}

export const stringList: Validator<string[]> = (raw) => {
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw.map((v: string) => v.trim());
  if (typeof raw === 'string') return raw.split(',').map((v) => v.trim()).filter(Boolean);
  throw new Error(`expected a list of strings, got ${describe(raw)}`);
};

/** `host:port`, `[v6]:port`, `:port`, `host` (port 8060) or `unix:/path`. */
export const address: Validator<string> = (raw) => {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error(`expected host:port or unix:/path, got ${describe(raw)}`);
  const text = raw.trim();
  if (text.startsWith('unix:')) {
    if (text.length === 5) throw new Error('expected a path after unix:');
    return text;
  }
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(?::(\d+))?$/.exec(text);
  if (!match || (match[2] !== undefined && Number(match[2]) > 65535)) {
    throw new Error(`expected host:port, [v6]:port or unix:/path, got ${describe(raw)}`);
  }
  return text;
};
