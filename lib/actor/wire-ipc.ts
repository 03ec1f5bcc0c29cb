/**
 * Transfers to and from process actors. Process actors talk over Node's default IPC
 * serialization, `json`: Node writes `JSON.stringify(message)` and the other side `JSON.parse`s
 * it, both native. A transfer of plain data goes as it is; anything JSON would not carry exactly
 * goes as a structured clone (`v8.serialize`, base64) inside a tagged array.
 *
 * Why not Node's `advanced` serialization (a structured clone of every message): it runs a
 * `v8.Serializer` from JavaScript per message, whose cost grows with every object and string.
 * Measured, bare child-process ping-pong with each end pinned to its own core (medians of five):
 * our request/reply arrays 85 µs per round trip with `advanced`, 74 with `json` — as fast as a
 * bare number with `json` (74), faster than a bare number with `advanced` (78).
 *
 * Exactly means: what the other side gets equals what a structured clone would give. So only plain
 * data goes as JSON — strings, booleans, finite numbers other than -0, null, arrays without holes
 * or extra properties, objects whose prototype is Object.prototype or null, no object twice (a
 * clone keeps shared references, and cycles) — everything else (undefined, Date, Map, typed
 * arrays, errors, class instances) is cloned. A value the clone refuses (a function, a socket)
 * throws from {@link toIpc} as it would from a structured-clone transport.
 */
import { deserialize, serialize } from 'node:v8';
import { createError } from '../errors';
import { isWireBatch, WIRE_TAG, type WireBatch } from './wire';

/** First element of a transfer sent as a structured clone; the second is its base64. */
const CLONE_TAG = `${WIRE_TAG}:v8`;

/** A transfer in the form it crosses a `json` IPC channel. */
export type IpcTransfer = WireBatch | [typeof CLONE_TAG, string];

/**
 * The transfer as Node's `json` IPC serialization should carry it: the batch itself when JSON
 * gives back exactly what a structured clone would, else its structured clone.
 * @throws DataCloneError when a value cannot be cloned at all
 */
export function toIpc(batch: WireBatch): IpcTransfer {
  if (isPlainBatch(batch)) return batch;
  return [CLONE_TAG, serialize(batch).toString('base64')];
}

/**
 * The batch an IPC message carries, or undefined when the message is not ours (a listening
 * socket's note, Node's internal messages).
 * @throws RXP_ERR_WIRE when a cloned transfer cannot be read
 */
export function fromIpc(data: unknown): WireBatch | undefined {
  if (!Array.isArray(data)) return undefined;
  if (isWireBatch(data)) return data;
  if (data[0] !== CLONE_TAG) return undefined;
  let batch: unknown;
  try {
    batch = typeof data[1] === 'string' ? deserialize(Buffer.from(data[1], 'base64')) : undefined;
  } catch (error) {
    throw createError('RXP_ERR_WIRE', `cloned transfer: ${(error as Error).message}`);
  }
  if (!isWireBatch(batch)) throw createError('RXP_ERR_WIRE', 'cloned transfer is not a batch');
  return batch;
}

/** True when JSON carries every element of the batch exactly as a structured clone would. */
function isPlainBatch(batch: WireBatch): boolean {
  const seen: Seen = { list: [], set: undefined };
  try {
    for (let i = 1; i < batch.length; i++) if (!isPlain(batch[i], seen)) return false;
    return true;
  } catch {
    // A getter threw, or nesting too deep for the stack: the structured clone decides.
    return false;
  }
}

/**
 * Arrays and objects met so far: a list while few (the common transfer holds one or two), a Set
 * once there are more, so a large payload is checked in linear time.
 */
interface Seen {
  readonly list: object[];
  set: Set<object> | undefined;
}

const LIST_MAX = 16;

/** Records `object`; false when it was met before (a shared reference, or a cycle). */
function firstVisit(object: object, seen: Seen): boolean {
  if (seen.set !== undefined) {
    if (seen.set.has(object)) return false;
    seen.set.add(object);
    return true;
  }
  if (seen.list.includes(object)) return false;
  seen.list.push(object);
  if (seen.list.length > LIST_MAX) seen.set = new Set(seen.list);
  return true;
}

/** True when JSON carries `value` exactly as a structured clone would (see the module's doc). */
function isPlain(value: unknown, seen: Seen): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // Not NaN, ±Infinity (JSON writes null) nor -0 (JSON writes 0).
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'object':
      if (value === null) return true;
      if (!firstVisit(value, seen)) return false;
      return Array.isArray(value) ? isPlainArray(value, seen) : isPlainObject(value, seen);
    default:
      // undefined, bigint, function, symbol
      return false;
  }
}

function isPlainArray(array: unknown[], seen: Seen): boolean {
  // A hole reads as undefined and is refused with it; extra properties JSON would drop.
  if (Object.keys(array).length !== array.length) return false;
  for (let i = 0; i < array.length; i++) if (!isPlain(array[i], seen)) return false;
  return true;
}

function isPlainObject(object: object, seen: Seen): boolean {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = object as Record<string, unknown>;
  // JSON.stringify would call it.
  if (typeof record.toJSON === 'function') return false;
  // Own enumerable string keys: what both JSON and a structured clone carry.
  for (const key of Object.keys(record)) if (!isPlain(record[key], seen)) return false;
  return true;
}
