/**
 * Collects the methods of a handler tree into a flat table of dotted names.
 *
 * - An object literal exposes its own function properties as methods and its object properties
 *   as namespaces (`{ calc: { add } }` → `calc.add`), to any depth (pulsar resolved one level).
 * - A class instance exposes its public methods (prototype chain, most derived wins) and its own
 *   function-valued fields; its object-valued fields are NOT namespaces unless wrapped with
 *   `namespace()`, so a `db` or `cache` field is never reachable from the network.
 * - Names starting with `_` are never exposed; `#private` members cannot be.
 *
 * @internal
 */
import { createError } from '../../lib/errors';
import { isMarkedNamespace, signatureOf } from './signature';
import type { RpcMethodInfo } from './types';

type Fn = (...args: unknown[]) => unknown;

export interface RpcEntry extends RpcMethodInfo {
  /** The function, bound to its owner. */
  readonly invoke: Fn;
}

export function collectMethods(handlers: object | readonly object[]): Map<string, RpcEntry> {
  const table = new Map<string, RpcEntry>();
  const roots = Array.isArray(handlers) ? (handlers as readonly object[]) : [handlers];
  for (const root of roots) walk(root, '', table, new Set());
  return table;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === Object.prototype;
}

function walk(target: object, prefix: string, table: Map<string, RpcEntry>, seen: Set<object>): void {
  if (seen.has(target)) return;
  seen.add(target);
  const plain = isPlainObject(target);
  for (const key of ownDataKeys(target)) {
    const value = (target as Record<string, unknown>)[key];
    if (typeof value === 'function') add(table, prefix + key, value as Fn, target);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && (plain || isMarkedNamespace(value))) {
      walk(value, `${prefix}${key}.`, table, seen);
    }
  }
  if (plain) return;
  // Class instance: methods along the prototype chain, up to Object.prototype.
  const done = new Set<string>(ownDataKeys(target));
  for (let proto = Object.getPrototypeOf(target) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || key.startsWith('_') || done.has(key)) continue;
      done.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (descriptor && typeof descriptor.value === 'function') add(table, prefix + key, descriptor.value as Fn, target);
    }
  }
}

/** Own string keys holding data (no getters: discovering methods must not run code). */
function ownDataKeys(target: object): string[] {
  return Object.keys(target).filter((key) => {
    if (key.startsWith('_')) return false;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return descriptor !== undefined && 'value' in descriptor;
  });
}

function add(table: Map<string, RpcEntry>, name: string, fn: Fn, owner: object): void {
  if (name.startsWith('rpc.')) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', 'method name', 'a name not starting with "rpc." (reserved by JSON-RPC 2.0 §4)', name);
  }
  if (table.has(name)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'method name', 'unique across handlers', name);
  table.set(name, { name, invoke: fn.bind(owner) as Fn, ...signatureOf(fn as (...args: never[]) => unknown) });
}
