/**
 * Turns a request's `params` (by position or by name, JSON-RPC 2.0 §4.2) into the argument list
 * of a method, checking arity, names and declared types; failures are −32602.
 *
 * @internal
 */
import { createError, type RxPulsarError } from '../../lib/errors';
import type { RpcParam, RpcParamType } from './types';
import type { RpcEntry } from './registry';

/** The arguments, or the −32602 error. */
export function bindParams(entry: RpcEntry, params: unknown): unknown[] | RxPulsarError {
  if (params === undefined) params = EMPTY;
  if (Array.isArray(params)) return bindPositional(entry, params);
  return bindNamed(entry, params as Record<string, unknown>);
}

const EMPTY: unknown[] = [];

function invalid(entry: RpcEntry, reason: string): RxPulsarError {
  return createError('RXP_ERR_RPC_INVALID_PARAMS', entry.name, reason);
}

function plural(n: number): string {
  return n === 1 ? '1 param' : `${n} params`;
}

function bindPositional(entry: RpcEntry, args: unknown[]): unknown[] | RxPulsarError {
  const { minArity, maxArity } = entry;
  if (args.length < minArity) {
    return invalid(entry, `expected ${maxArity === minArity ? '' : 'at least '}${plural(minArity)}, got ${args.length}`);
  }
  if (args.length > maxArity) {
    return invalid(entry, `expected ${maxArity === minArity ? '' : 'at most '}${plural(maxArity)}, got ${args.length}`);
  }
  const params = entry.params;
  if (params !== undefined) {
    for (let i = 0; i < args.length; i++) {
      const param = params[Math.min(i, params.length - 1)];
      const error = checkType(entry, param, args[i]);
      if (error) return error;
    }
  }
  return args;
}

function bindNamed(entry: RpcEntry, named: Record<string, unknown>): unknown[] | RxPulsarError {
  if (entry.singleObject) return [named];
  const params = entry.params;
  if (params === undefined) return invalid(entry, 'takes params by position only (an array)');
  const known = new Set(params.map((p) => p.name));
  const unknown = Object.keys(named).filter((k) => !known.has(k));
  if (unknown.length > 0) return invalid(entry, `unknown param${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const missing = params.filter((p) => !p.optional && !p.rest && !(p.name in named)).map((p) => p.name);
  if (missing.length > 0) return invalid(entry, `missing param${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const args: unknown[] = [];
  for (const param of params) {
    const value = named[param.name];
    if (param.rest) {
      if (value === undefined) break;
      if (!Array.isArray(value)) return invalid(entry, `${param.name} must be an array (rest param)`);
      for (const item of value) {
        const error = checkType(entry, param, item);
        if (error) return error;
        args.push(item);
      }
      break;
    }
    if (value !== undefined) {
      const error = checkType(entry, param, value);
      if (error) return error;
    }
    // Missing optional params stay `undefined`, so JS default values apply.
    args.push(value);
  }
  return args;
}

function checkType(entry: RpcEntry, param: RpcParam, value: unknown): RxPulsarError | undefined {
  if (param.types.length === 0) return undefined;
  for (const type of param.types) if (isType(type, value)) return undefined;
  return invalid(entry, `${param.name} must be ${param.types.join(' or ')}, got ${jsonType(value)}`);
}

function isType(type: RpcParamType, value: unknown): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'array':
      return Array.isArray(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    case 'number':
      return typeof value === 'number';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string':
      return typeof value === 'string';
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
