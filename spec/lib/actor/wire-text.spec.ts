/**
 * Transfers to process actors as JSON text: only when the result equals a structured clone's.
 */
import { deserialize, serialize } from 'node:v8';
import { isRxPulsarError } from 'rxpulsar';
import { fromText, isWireText, toText } from '../../../lib/actor/wire-text';
import { encodeInto, newBatch, type WireBatch } from '../../../lib/actor/wire';

/** A reply carrying `value`, as the channel would send it. */
function replyOf(value: unknown): WireBatch {
  const batch = newBatch();
  encodeInto(batch, { k: 'res', id: 1, to: 'arbiter', v: value });
  return batch;
}

/** What the other side gets: the text when there is one, else a structured clone. */
function across(batch: WireBatch): { text: boolean; batch: WireBatch } {
  const text = toText(batch);
  return text === undefined ? { text: false, batch: deserialize(serialize(batch)) as WireBatch } : { text: true, batch: fromText(text) };
}

describe('wire text', () => {
  it.each([
    ['a string', 'héllo \u{1F600} \ud800 "quoted"'],
    ['numbers', [0, 1.5, -2, Number.MAX_SAFE_INTEGER]],
    ['booleans and null', [true, false, null]],
    ['a nested plain object', { a: { b: [1, { c: 'd' }] }, e: null }],
    ['an object without prototype', Object.assign(Object.create(null) as object, { x: 1 })],
    ['the same value twice (primitives)', ['x', 'x', 1, 1]],
    ['an object with symbol and non-enumerable keys (neither carries them)', Object.defineProperty({ a: 1, [Symbol('s')]: 2 }, 'hidden', { value: 3 })],
  ])('should send %s as text, equal to a structured clone', (_what, value) => {
    const batch = replyOf(value);
    const sent = across(batch);
    expect(sent.text).toBe(true);
    expect(sent.batch).toEqual(deserialize(serialize(batch)));
  });

  const shared = { s: 1 };
  const extra = Object.assign([1, 2], { label: 'extra' });
  class Point {
    constructor(readonly x: number) {}
  }
  it.each([
    ['undefined', undefined],
    ['an object with an undefined property', { a: undefined }],
    ['-0', -0],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a bigint', 10n],
    ['a Date', new Date(0)],
    ['a Map', new Map([[1, 2]])],
    ['a Set', new Set([1])],
    ['a typed array', new Uint8Array([1, 2])],
    ['an Error', new Error('boom')],
    ['a RegExp', /x/g],
    ['a class instance', new Point(1)],
    ['an array with a hole', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['an array with an extra property', extra],
    ['an object twice (a clone keeps the shared reference)', [shared, shared]],
    ['an object with toJSON', { toJSON: () => 'x' }],
    ['a cycle', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
    ['more values than the bound', Array.from({ length: 300 }, (_, i) => i)],
    ['more objects than the bound', Array.from({ length: 40 }, (_, i) => ({ i }))],
    ['an object whose getter throws', Object.defineProperty({}, 'bad', { enumerable: true, get: () => { throw new Error('getter'); } })],
  ])('should leave %s to the structured clone', (_what, value) => {
    const batch = replyOf(value);
    expect(toText(batch)).toBeUndefined();
  });

  it('should keep the structured clone exact for what it leaves (shared references, -0, extra properties)', () => {
    const sent = across(replyOf([shared, shared, -0, extra])).batch;
    const [a, b, zero, arr] = sent[4] as [object, object, number, number[] & { label?: string }];
    expect(a).toBe(b);
    expect(Object.is(zero, -0)).toBe(true);
    expect(arr.label).toBe('extra');
  });

  it('should tell its text from other strings, and reject a malformed one with RXP_ERR_WIRE', () => {
    const text = toText(replyOf(1))!;
    expect(isWireText(text)).toBe(true);
    expect(isWireText('hello')).toBe(false);
    expect(isWireText(['rxp1'])).toBe(false);
    let error: unknown;
    try {
      fromText(`${text.slice(0, -1)},`);
    } catch (e) {
      error = e;
    }
    expect(isRxPulsarError(error, 'RXP_ERR_WIRE')).toBe(true);
  });

  it('should carry a full transfer of 8 requests as text', () => {
    const batch = newBatch();
    for (let id = 1; id <= 8; id++) encodeInto(batch, { k: 'req', id, from: 'arbiter', to: 'a1', cmd: 'echo', args: [{ n: id }], ack: true });
    expect(across(batch)).toEqual({ text: true, batch: deserialize(serialize(batch)) });
  });
});
