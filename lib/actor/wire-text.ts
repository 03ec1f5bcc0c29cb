/**
 * Transfers to and from process actors as JSON text, when JSON carries them exactly.
 *
 * Why: Node's `advanced` IPC serialization runs a `v8.Serializer` from JavaScript per message,
 * and its cost grows with every object and string in the message; one string costs about what one
 * number does. Measured, bare child-process ping-pong with each thread pinned to its own core:
 * a number 80–91 µs per round trip, our request/reply arrays 93–109 µs, the same arrays as JSON
 * text 85–88 µs. Thread actors do not need this: MessagePort's serializer showed no difference.
 *
 * Exactly means: what comes out of `fromText(toText(batch))` equals what a structured clone would
 * give. So only plain data goes as text — strings, booleans, finite numbers other than -0, null,
 * arrays without holes or extra properties, objects whose prototype is Object.prototype or null,
 * no object twice (a clone keeps shared references) — and at most {@link MAX_NODES} values
 * ({@link MAX_OBJECTS} arrays and objects) in all, which bounds the checking. Anything else
 * (undefined, Date, Map, typed arrays, errors, class instances, functions, big payloads) makes
 * `toText` give up, and the transfer goes as a structured clone as before.
 */
import { createError } from '../errors';
import { WIRE_TAG, type WireBatch } from './wire';

/**
 * Most values (the batch's own elements included), and most arrays and objects among them, a
 * transfer sent as text may hold: they bound the checking (shared references are looked for in
 * a list). A full transfer of 8 requests with one argument each holds 65 values and 9 arrays.
 */
const MAX_NODES = 256;
const MAX_OBJECTS = 32;

/** How every text transfer starts: the JSON of a batch, whose first element is the tag. */
const TEXT_PREFIX = `[${JSON.stringify(WIRE_TAG)},`;

/** The transfer as JSON text, or undefined when JSON would not carry it exactly. */
export function toText(batch: WireBatch): string | undefined {
  // Checked first in JavaScript, then stringified without a replacer: a replacer is a call from
  // C++ into JavaScript per value and keeps JSON.stringify off its fast path (measured, a request
  // transfer: 1.2 µs with a replacer, 0.3 µs plus the check without).
  const budget: Budget = { nodes: MAX_NODES, objects: [] };
  try {
    for (let i = 1; i < batch.length; i++) if (!isPlain(batch[i], budget)) return undefined;
  } catch {
    // A getter threw: the structured clone meets it too, and refuses the message.
    return undefined;
  }
  return JSON.stringify(batch);
}

/** What is left of the checking bounds, and the arrays and objects seen so far. */
interface Budget {
  nodes: number;
  readonly objects: object[];
}

/** True when JSON carries `value` exactly as a structured clone would (see the module's doc). */
function isPlain(value: unknown, budget: Budget): boolean {
  if (--budget.nodes < 0) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // Not NaN, ±Infinity (JSON writes null) nor -0 (JSON writes 0).
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'object':
      if (value === null) return true;
      if (budget.objects.length === MAX_OBJECTS || budget.objects.includes(value)) return false;
      budget.objects.push(value);
      return Array.isArray(value) ? isPlainArray(value, budget) : isPlainObject(value, budget);
    default:
      // undefined, bigint, function, symbol
      return false;
  }
}

function isPlainArray(array: unknown[], budget: Budget): boolean {
  // A hole reads as undefined and is refused with it; extra properties JSON would drop.
  if (Object.keys(array).length !== array.length) return false;
  for (let i = 0; i < array.length; i++) if (!isPlain(array[i], budget)) return false;
  return true;
}

function isPlainObject(object: object, budget: Budget): boolean {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = object as Record<string, unknown>;
  // JSON.stringify would call it.
  if (typeof record.toJSON === 'function') return false;
  // Own enumerable string keys: what both JSON and a structured clone carry.
  for (const key of Object.keys(record)) if (!isPlain(record[key], budget)) return false;
  return true;
}

/** True for a transfer sent by {@link toText}. */
export function isWireText(data: unknown): data is string {
  return typeof data === 'string' && data.startsWith(TEXT_PREFIX);
}

/**
 * The batch a text transfer holds.
 * @throws RXP_ERR_WIRE when the text is not a batch
 */
export function fromText(text: string): WireBatch {
  let batch: unknown;
  try {
    batch = JSON.parse(text);
  } catch (error) {
    throw createError('RXP_ERR_WIRE', `text transfer: ${(error as Error).message}`);
  }
  if (!Array.isArray(batch)) throw createError('RXP_ERR_WIRE', 'text transfer is not an array');
  return batch;
}
