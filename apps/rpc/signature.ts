/**
 * Signatures of RPC methods: declared with {@link rpcMethod}, or read from the function's source
 * (parameter names, defaults, rest) so that plain methods accept params by name and get arity
 * checks (−32602) without any declaration, as pulsar's `checkarity` intended (inventory §11.14:
 * its counts were off by one and "too many params" went undetected).
 */
import { createError } from '../../lib/errors';
import type { RpcMethodInfo, RpcMethodSpec, RpcParam, RpcParamType } from './types';

const kSpec = Symbol.for('rxpulsar.rpc.spec');
const kNamespace = Symbol.for('rxpulsar.rpc.namespace');
const TYPES: readonly RpcParamType[] = ['any', 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

type Fn = (...args: never[]) => unknown;

/**
 * Declares the signature (and docs) of a method; returns the function itself.
 *
 * ## Example
 * ```ts
 * import { rpcMethod } from 'rxpulsar/apps/rpc';
 * class Calculator {
 *   add = rpcMethod({ params: ['a: number', 'b: number'], doc: 'a + b' }, (a: number, b: number) => a + b);
 * }
 * ```
 * @param spec Params (`'name?: type|type'`, `'...rest: type'`), doc, section, context.
 * @param fn The implementation.
 */
export function rpcMethod<F extends Fn>(spec: RpcMethodSpec, fn: F): F {
  if (typeof fn !== 'function') throw createError('RXP_ERR_INVALID_ARGUMENT', 'fn', 'a function', typeof fn);
  if (spec.params !== undefined) parseDeclared(spec.params); // fail at declaration, not at call time
  (fn as F & { [kSpec]?: RpcMethodSpec })[kSpec] = spec;
  return fn;
}

/**
 * Marks an object (a class instance, say) as a namespace of methods when it sits in a field of
 * a class instance; object literals in a handler tree are namespaces already.
 */
export function namespace<T extends object>(target: T): T {
  (target as T & { [kNamespace]?: true })[kNamespace] = true;
  return target;
}

export function isMarkedNamespace(value: object): boolean {
  return (value as { [kNamespace]?: true })[kNamespace] === true;
}

/** The method's signature: declared, else read from its source. */
export function signatureOf(fn: Fn): Omit<RpcMethodInfo, 'name'> {
  const spec = (fn as Fn & { [kSpec]?: RpcMethodSpec })[kSpec] ?? {};
  const withContext = spec.context === true;
  let params: RpcParam[] | undefined;
  let singleObject = false;
  if (spec.params !== undefined) {
    params = parseDeclared(spec.params);
  } else {
    const parsed = parseSource(fn);
    if (parsed !== undefined) {
      const own = withContext ? parsed.slice(1) : parsed;
      if (own.length === 1 && own[0] === DESTRUCTURED_OBJECT) singleObject = true;
      else if (!own.some((p) => p === DESTRUCTURED_OBJECT || p === DESTRUCTURED_ARRAY)) params = own as RpcParam[];
    }
  }
  let minArity = 0;
  let maxArity = Infinity;
  if (params !== undefined) {
    minArity = params.filter((p) => !p.optional && !p.rest).length;
    maxArity = params.some((p) => p.rest) ? Infinity : params.length;
  } else if (singleObject) {
    maxArity = 1;
  } else {
    minArity = Math.max(0, fn.length - (withContext ? 1 : 0));
  }
  return { params, singleObject, withContext, minArity, maxArity, doc: spec.doc ?? '', section: spec.section ?? '' };
}

/** Parses declared params: `'a'`, `'a: number'`, `'b?: string|null'`, `'...rest: integer'`. */
export function parseDeclared(params: ReadonlyArray<string | RpcParam>): RpcParam[] {
  const out = params.map((p): RpcParam => {
    if (typeof p !== 'string') return { ...p, types: [...p.types] };
    const match = /^\s*(\.\.\.)?([A-Za-z_$][\w$]*)\s*(\?)?\s*(?::\s*([a-z|\s]+))?\s*$/.exec(p);
    if (!match) throw createError('RXP_ERR_INVALID_ARGUMENT', 'param', "'name', 'name?: type' or '...name: type'", p);
    const types = (match[4] ?? 'any').split('|').map((t) => t.trim()) as RpcParamType[];
    for (const t of types) if (!TYPES.includes(t)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'param type', TYPES.join(', '), t);
    return { name: match[2], optional: match[3] === '?', rest: match[1] === '...', types: types.includes('any') ? [] : types };
  });
  out.forEach((p, i) => {
    if (p.rest && i !== out.length - 1) throw createError('RXP_ERR_INVALID_ARGUMENT', 'rest param', 'the last param', p.name);
  });
  return out;
}

const DESTRUCTURED_OBJECT = Symbol('destructured object');
const DESTRUCTURED_ARRAY = Symbol('destructured array');
type SourceParam = RpcParam | typeof DESTRUCTURED_OBJECT | typeof DESTRUCTURED_ARRAY;

/**
 * Reads the parameter list from a function's source; undefined when it cannot (native and bound
 * functions, `[native code]`).
 */
export function parseSource(fn: Fn): SourceParam[] | undefined {
  const source = Function.prototype.toString.call(fn);
  if (source.includes('[native code]')) return undefined;
  let text = source.replace(/^async\s+/, '');
  // `a => ...` and `async a => ...`
  const single = /^([A-Za-z_$][\w$]*)\s*=>/.exec(text);
  if (single) return [{ name: single[1], optional: false, rest: false, types: [] }];
  const open = text.indexOf('(');
  if (open === -1) return undefined;
  text = text.slice(open + 1);
  const parts = splitTopLevel(text);
  if (parts === undefined) return undefined;
  return parts.map((part): SourceParam => {
    const rest = part.startsWith('...');
    const body = rest ? part.slice(3).trim() : part;
    if (body.startsWith('{')) return DESTRUCTURED_OBJECT;
    if (body.startsWith('[')) return DESTRUCTURED_ARRAY;
    const name = /^[A-Za-z_$][\w$]*/.exec(body)?.[0] ?? '';
    return { name, optional: /^[A-Za-z_$][\w$]*\s*=/.test(body), rest, types: [] };
  });
}

/** Splits `a, b = f(1, 2), {c}) { ...` at top-level commas up to the closing paren. */
function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = skipString(text, i);
      if (end === -1) return undefined;
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return undefined;
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      if (end === -1) return undefined;
      i = end;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        if (c !== ')') return undefined;
        const last = stripComments(text.slice(start, i)).trim();
        if (last !== '') parts.push(last);
        return parts;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(stripComments(text.slice(start, i)).trim());
      start = i + 1;
    }
  }
  return undefined;
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}
