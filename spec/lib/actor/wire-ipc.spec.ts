/**
 * Transfers to process actors over Node's `json` IPC: as they are when JSON gives back what a
 * structured clone would, else as a clone inside the JSON.
 */
import { deserialize, serialize } from 'node:v8';
import { isRxPulsarError } from 'rxpulsar';
import { fromIpc, toIpc } from '../../../lib/actor/wire-ipc';
import { encodeInto, newBatch, type WireBatch } from '../../../lib/actor/wire';

/** A reply carrying `value`, as the channel would send it. */
function replyOf(value: unknown): WireBatch {
  const batch = newBatch();
  encodeInto(batch, { k: 'res', id: 1, to: 'arbiter', v: value });
  return batch;
}

/** What the other side gets through Node's `json` IPC, and whether it went as plain JSON. */
function across(batch: WireBatch): { plain: boolean; batch: WireBatch } {
  const transfer = toIpc(batch);
  const received = fromIpc(JSON.parse(JSON.stringify(transfer)));
  if (received === undefined) throw new Error('not recognised as a transfer');
  return { plain: transfer === batch, batch: received };
}

/** What a structured-clone transport would deliver. */
const cloneOf = (batch: WireBatch): WireBatch => deserialize(serialize(batch)) as WireBatch;

describe('wire ipc', () => {
  it.each([
    ['a string', 'héllo \u{1F600} \ud800 "quoted"'],
    ['numbers', [0, 1.5, -2, Number.MAX_SAFE_INTEGER]],
    ['booleans and null', [true, false, null]],
    ['a nested plain object', { a: { b: [1, { c: 'd' }] }, e: null }],
    ['an object without prototype', Object.assign(Object.create(null) as object, { x: 1 })],
    ['the same value twice (primitives)', ['x', 'x', 1, 1]],
    ['many values', Array.from({ length: 3000 }, (_, i) => i)],
    ['many objects', Array.from({ length: 400 }, (_, i) => ({ i, list: [i] }))],
    ['an object with symbol and non-enumerable keys (neither carries them)', Object.defineProperty({ a: 1, [Symbol('s')]: 2 }, 'hidden', { value: 3 })],
  ])('should send %s as plain JSON, equal to a structured clone', (_what, value) => {
    const batch = replyOf(value);
    const sent = across(batch);
    expect(sent.plain).toBe(true);
    expect(sent.batch).toEqual(cloneOf(batch));
  });

  const shared = { s: 1 };
  const extra = Object.assign([1, 2], { label: 'extra' });
  class Point {
    constructor(readonly x: number) {}
  }
  it.each([
    ['undefined in an array', [undefined]],
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
    ['a cycle', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
    ['an object shared among many (past the list of seen objects)', (() => { const list: object[] = Array.from({ length: 40 }, (_, i) => ({ i })); list.push(list[3]); return list; })()],
  ])('should send %s as a structured clone, exactly', (_what, value) => {
    const batch = replyOf(value);
    const sent = across(batch);
    expect(sent.plain).toBe(false);
    expect(sent.batch).toEqual(cloneOf(batch));
  });

  it('should throw what the structured clone throws for a value it refuses', () => {
    expect(() => toIpc(replyOf(() => 1))).toThrow(/could not be cloned/);
    // JSON would call it; a clone refuses the function.
    expect(() => toIpc(replyOf({ toJSON: () => 'x' }))).toThrow(/could not be cloned/);
    const getter = Object.defineProperty({}, 'bad', { enumerable: true, get: () => { throw new Error('getter'); } });
    expect(() => toIpc(replyOf(getter))).toThrow('getter');
  });

  it('should carry a reply of undefined as plain JSON', () => {
    const batch = replyOf(undefined);
    expect(across(batch)).toEqual({ plain: true, batch: cloneOf(batch) });
  });

  it('should keep the structured clone exact for what it carries (shared references, -0, extra properties)', () => {
    const sent = across(replyOf([shared, shared, -0, extra])).batch;
    const [a, b, zero, arr] = sent[4] as [object, object, number, number[] & { label?: string }];
    expect(a).toBe(b);
    expect(Object.is(zero, -0)).toBe(true);
    expect(arr.label).toBe('extra');
  });

  it('should ignore messages that are not ours, and reject a malformed clone with RXP_ERR_WIRE', () => {
    expect(fromIpc('rxpulsar:listen')).toBeUndefined();
    expect(fromIpc({ cmd: 'NODE_HANDLE' })).toBeUndefined();
    expect(fromIpc(['other', 1])).toBeUndefined();
    const cloned = toIpc(replyOf(new Date(0))) as [string, string];
    for (const bad of [[cloned[0], cloned[1].slice(0, 8)], [cloned[0], 42], [cloned[0], serialize({ not: 'a batch' }).toString('base64')]]) {
      let error: unknown;
      try {
        fromIpc(bad);
      } catch (e) {
        error = e;
      }
      expect(isRxPulsarError(error, 'RXP_ERR_WIRE')).toBe(true);
    }
  });

  it('should carry a full transfer of 8 requests as text', () => {
    const batch = newBatch();
    for (let id = 1; id <= 8; id++) encodeInto(batch, { k: 'req', id, from: 'arbiter', to: 'a1', cmd: 'echo', args: [{ n: id }], ack: true });
    expect(across(batch)).toEqual({ plain: true, batch: cloneOf(batch) });
  });
});
