/**
 * Every example of https://www.jsonrpc.org/specification §7, as a table.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { RpcDispatcher } from 'rxpulsar/apps/rpc';

const updates: unknown[] = [];
const handlers = {
  subtract: (minuend: number, subtrahend: number) => minuend - subtrahend,
  update: (...values: number[]) => void updates.push(values),
  sum: (...values: number[]) => values.reduce((a, b) => a + b, 0),
  notify_hello: (value: number) => void updates.push(['hello', value]),
  notify_sum: (...values: number[]) => void updates.push(['sum', ...values]),
  get_data: () => ['hello', 5],
};

type Reply = undefined | Record<string, unknown> | Array<Record<string, unknown>>;

const examples: Array<[string, string, Reply]> = [
  ['positional params (1)', '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}', { jsonrpc: '2.0', result: 19, id: 1 }],
  ['positional params (2)', '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}', { jsonrpc: '2.0', result: -19, id: 2 }],
  ['named params (1)', '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}', { jsonrpc: '2.0', result: 19, id: 3 }],
  ['named params (2)', '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}', { jsonrpc: '2.0', result: 19, id: 4 }],
  ['a notification', '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}', undefined],
  ['a notification of an unknown method', '{"jsonrpc": "2.0", "method": "foobar"}', undefined],
  ['a non-existent method', '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}', { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' }],
  ['invalid JSON', '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }],
  ['an invalid Request object', '{"jsonrpc": "2.0", "method": 1, "params": "bar"}', { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }],
  [
    'a batch of invalid JSON',
    '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]',
    { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
  ],
  ['an empty array', '[]', { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }],
  ['an invalid batch (not empty)', '[1]', [{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }]],
  [
    'an invalid batch',
    '[1,2,3]',
    [1, 2, 3].map(() => ({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null })),
  ],
  [
    'a batch',
    `[
      {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
      {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
      {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
      {"foo": "boo"},
      {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
      {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]`,
    [
      { jsonrpc: '2.0', result: 7, id: '1' },
      { jsonrpc: '2.0', result: 19, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
      { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
    ],
  ],
  [
    'a batch of notifications only',
    '[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]',
    undefined,
  ],
];

/** The reply without `error.data` (details we add beyond the example's code and message). */
function withoutData(reply: unknown): unknown {
  if (Array.isArray(reply)) return reply.map(withoutData);
  const { error, ...rest } = reply as { error?: { code: number; message: string } };
  return error ? { ...rest, error: { code: error.code, message: error.message } } : rest;
}

describe('JSON-RPC 2.0 specification §7 examples', () => {
  const rpc = new RpcDispatcher(handlers);

  it.each(examples)('%s', async (_name, request, expected) => {
    const reply = await rpc.handle(request);
    if (expected === undefined) {
      expect(reply).toBeUndefined();
      return;
    }
    expect(withoutData(JSON.parse(reply as string))).toEqual(expected);
  });

  it('should have run the notifications', () => {
    expect(updates).toEqual(expect.arrayContaining([[1, 2, 3, 4, 5], ['hello', 7], ['sum', 1, 2, 4]]));
  });

  it.each(examples)('%s (streaming form, handle$)', async (_name, request, expected) => {
    const out = await lastValueFrom(rpc.handle$(request, { kind: 'websocket', streaming: true }).pipe(toArray()));
    if (expected === undefined) {
      expect(out).toEqual([]);
      return;
    }
    expect(out).toHaveLength(1);
    expect(withoutData(JSON.parse(out[0]))).toEqual(expected);
  });
});
