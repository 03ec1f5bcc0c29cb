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

/** Thrown inside the replacer to stop JSON.stringify: the transfer is not plain data. */
const NOT_PLAIN = new Error('not plain data');

/** The transfer as JSON text, or undefined when JSON would not carry it exactly. */
export function toText(batch: WireBatch): string | undefined {
  let nodes = 0;
  const objects: object[] = [];
  // The replacer sees each value after toJSON() ran; `this[key]` is the value itself.
  function plain(this: Record<string, unknown>, key: string, value: unknown): unknown {
    if (++nodes > MAX_NODES) throw NOT_PLAIN;
    const original = this[key];
    switch (typeof original) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(original) && !Object.is(original, -0)) return value;
        throw NOT_PLAIN;
      case 'object': {
        if (original === null) return value;
        if (objects.length === MAX_OBJECTS || objects.includes(original)) throw NOT_PLAIN;
        objects.push(original);
        if (Array.isArray(original)) {
          // Holes read as undefined (refused below); extra properties would be dropped.
          if (original !== batch && Object.keys(original).length !== original.length) throw NOT_PLAIN;
          return value;
        }
        const proto: unknown = Object.getPrototypeOf(original);
        if ((proto === Object.prototype || proto === null) && typeof (original as { toJSON?: unknown }).toJSON !== 'function') return value;
        throw NOT_PLAIN;
      }
      default:
        // undefined, bigint, function, symbol
        throw NOT_PLAIN;
    }
  }
  try {
    return JSON.stringify(batch, plain);
  } catch {
    // NOT_PLAIN, or a cycle (TypeError): the structured clone handles (or refuses) it.
    return undefined;
  }
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
