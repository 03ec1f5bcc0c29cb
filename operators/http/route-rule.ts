/**
 * Route rules (werkzeug/pulsar syntax) compiled to regular expressions:
 *
 *     item/<int:id>            id: number
 *     files/<path:p>           p: the rest of the path, slashes included
 *     <float:x>                x: number like 1.5
 *     <slug>                   a segment (default converter `string`)
 *     <int(min=1,max=200):n>   converters take arguments
 *     <any(red,green):colour>  one of the listed words
 *     <slug:s>                 lower-case words joined by dashes
 */
import { createError } from '../../lib/errors';

/** Turns a matched segment into a value; undefined rejects the match. */
type Convert = (text: string) => string | number | undefined;

interface Converter {
  readonly pattern: string;
  readonly convert: Convert;
}

export interface CompiledRule {
  /** The normalized rule, e.g. `api/items/<int:id>` (no leading or trailing slash). */
  readonly rule: string;
  /** Matches a whole path (an optional trailing slash allowed). */
  readonly exact: RegExp;
  /** Matches a path that starts with the rule (for pruning child routes). */
  readonly prefix: RegExp;
  readonly variables: ReadonlyArray<{ readonly name: string; readonly convert: Convert }>;
  /** The rule split into literal text and variables, for building URLs. */
  readonly parts: ReadonlyArray<string | { readonly variable: string }>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseArgs(text: string | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return args;
  let positional = 0;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) args[String(positional++)] = part.trim();
    else args[part.slice(0, eq).trim()] = part.slice(eq + 1).trim().replace(/^['"]|['"]$/g, '');
  }
  return args;
}

function numberArg(args: Record<string, string>, name: string): number | undefined {
  const value = args[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw createError('RXP_ERR_INVALID_ARGUMENT', `route converter argument ${name}`, 'a number', value);
  return n;
}

function inRange(n: number, args: Record<string, string>): boolean {
  const min = numberArg(args, 'min');
  const max = numberArg(args, 'max');
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

function converter(name: string, argText: string | undefined): Converter {
  const args = parseArgs(argText);
  switch (name) {
    case 'default':
    case 'string': {
      const length = numberArg(args, 'length');
      const min = length ?? numberArg(args, 'minlength') ?? 1;
      const max = length ?? numberArg(args, 'maxlength');
      return { pattern: `[^/]{${min},${max ?? ''}}`, convert: (text) => text };
    }
    case 'path':
      return { pattern: '.+', convert: (text) => text };
    case 'int': {
      const fixed = numberArg(args, 'fixed_digits');
      return {
        pattern: fixed === undefined ? '\\d+' : `\\d{${fixed}}`,
        convert: (text) => {
          const n = Number(text);
          return Number.isSafeInteger(n) && inRange(n, args) ? n : undefined;
        },
      };
    }
    case 'float':
      return {
        pattern: '\\d+\\.\\d+',
        convert: (text) => {
          const n = Number(text);
          return inRange(n, args) ? n : undefined;
        },
      };
    case 'any': {
      const words = Object.keys(args)
        .filter((k) => /^\d+$/.test(k))
        .map((k) => args[k]);
      if (words.length === 0) throw createError('RXP_ERR_INVALID_ARGUMENT', 'any() converter', 'at least one word', argText ?? '');
      return { pattern: `(?:${words.map(escapeRegExp).join('|')})`, convert: (text) => text };
    }
    case 'slug':
      return { pattern: '[a-z0-9]+(?:-[a-z0-9]+)*', convert: (text) => text };
    default:
      throw createError('RXP_ERR_INVALID_ARGUMENT', 'route converter', 'string, path, int, float, any or slug', name);
  }
}

const VARIABLE = /<(?:([a-z_]+)(?:\(([^)]*)\))?:)?([A-Za-z_][A-Za-z0-9_]*)>/g;

/** Removes leading/trailing slashes and empty segments: `'/a//b/'` → `'a/b'`. */
export function normalizeRule(rule: string): string {
  return rule
    .split('/')
    .filter((s) => s !== '')
    .join('/');
}

/** Joins a parent rule and a child rule (child routes compose prefixes). */
export function joinRules(parent: string, child: string): string {
  const a = normalizeRule(parent);
  const b = normalizeRule(child);
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

/** Compiles a rule; throws `RXP_ERR_INVALID_ARGUMENT` for unknown converters or duplicate names. */
export function compileRule(rule: string): CompiledRule {
  const normalized = normalizeRule(rule);
  let pattern = '';
  let last = 0;
  const variables: Array<{ name: string; convert: Convert }> = [];
  const parts: Array<string | { variable: string }> = [];
  for (const match of normalized.matchAll(VARIABLE)) {
    const literal = normalized.slice(last, match.index);
    pattern += escapeRegExp(literal);
    if (literal !== '') parts.push(literal);
    const [, convName, convArgs, name] = match;
    if (variables.some((v) => v.name === name)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'route variable', 'a unique name', name);
    const conv = converter(convName ?? 'default', convArgs);
    pattern += `(${conv.pattern})`;
    variables.push({ name, convert: conv.convert });
    parts.push({ variable: name });
    last = match.index + match[0].length;
  }
  const tail = normalized.slice(last);
  pattern += escapeRegExp(tail);
  if (tail !== '') parts.push(tail);
  const body = pattern === '' ? '' : `/${pattern}`;
  return {
    rule: normalized,
    exact: new RegExp(`^${body}/?$`),
    prefix: new RegExp(`^${body}(?:/|$)`),
    variables,
    parts,
  };
}

/** Matches `path` against a compiled rule: the converted variables, or undefined. */
export function matchRule(compiled: CompiledRule, path: string): Record<string, string | number> | undefined {
  const match = compiled.exact.exec(path);
  if (match === null) return undefined;
  const params: Record<string, string | number> = {};
  const variables = compiled.variables;
  for (let i = 0; i < variables.length; i++) {
    const value = variables[i].convert(match[i + 1]);
    if (value === undefined) return undefined;
    params[variables[i].name] = value;
  }
  return params;
}

/** Builds the path of a rule from values (`url()` of pulsar's Route). */
export function buildPath(compiled: CompiledRule, params: Readonly<Record<string, string | number>>): string {
  let out = '';
  for (const part of compiled.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = params[part.variable];
    if (value === undefined) throw createError('RXP_ERR_INVALID_ARGUMENT', `url parameter ${part.variable}`, 'a value', 'undefined');
    out += String(value)
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
  }
  return `/${out}`;
}
