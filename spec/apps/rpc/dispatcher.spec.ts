import { asapScheduler, defer, lastValueFrom, Observable, observeOn, of, range, throwError, toArray } from 'rxjs';
import { JSONRPCErrorException, namespace, RpcDispatcher, rpcMethod, type RpcCallContext } from 'rxpulsar/apps/rpc';
import { createError } from '../../../lib/errors';

/** A logger that records (internal errors are logged, and specs check they are). */
function recordingLogger() {
  const lines: string[] = [];
  const logger = {
    name: 'spec',
    lines,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message: string, ...args: unknown[]) => void lines.push([message, ...args].map(String).join(' ')),
    child: () => logger,
  };
  return logger;
}

const call = (method: string, params?: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id });
const notify = (method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });

async function reply(rpc: RpcDispatcher, text: string): Promise<Record<string, any> | Array<Record<string, any>> | undefined> {
  const out = await rpc.handle(text);
  return out === undefined ? undefined : JSON.parse(out);
}

class Calculator {
  constructor(readonly db = { secret: () => 'leaked' }) {}
  add(a: number, b: number): number {
    return a + b;
  }
  divide(a: number, b = 1): number {
    return a / b;
  }
  _helper(): string {
    return 'hidden';
  }
}

class ScientificCalculator extends Calculator {
  override add(a: number, b: number): number {
    return super.add(a, b) + 0;
  }
  pow = rpcMethod({ params: ['base: number', 'exponent?: integer'], doc: 'base ** exponent', section: 'math' }, (base: number, exponent = 2) => base ** exponent);
}

describe('RpcDispatcher', () => {
  describe('where json-rpc-2.0 deviates from the specification', () => {
    const logger = recordingLogger();
    const rpc = new RpcDispatcher(
      {
        one: () => 1,
        boom: () => {
          throw new Error('password=hunter2');
        },
        big: () => 10n,
        cycle: () => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        },
        fn: () => () => 1,
      },
      { logger },
    );

    it('should answer a batch of one with an array of one', async () => {
      expect(await reply(rpc, `[${call('one')}]`)).toEqual([{ jsonrpc: '2.0', id: 1, result: 1 }]);
    });

    it.each([
      ['a number method', { jsonrpc: '2.0', method: 1, id: 1 }],
      ['a null method', { jsonrpc: '2.0', method: null, id: 1 }],
      ['string params', { jsonrpc: '2.0', method: 'one', params: 'x', id: 1 }],
      ['number params', { jsonrpc: '2.0', method: 'one', params: 3, id: 1 }],
      ['null params', { jsonrpc: '2.0', method: 'one', params: null, id: 1 }],
      ['jsonrpc 1.0', { jsonrpc: '1.0', method: 'one', id: 1 }],
      ['no jsonrpc', { method: 'one', id: 1 }],
    ])('should refuse %s with −32600', async (_name, request) => {
      expect(await reply(rpc, JSON.stringify(request))).toMatchObject({ id: 1, error: { code: -32600, message: 'Invalid Request' } });
    });

    it.each([
      ['an object id', { a: 1 }],
      ['an array id', [1]],
      ['a boolean id', true],
    ])('should refuse %s with −32600 and id null', async (_name, id) => {
      expect(await reply(rpc, JSON.stringify({ jsonrpc: '2.0', method: 'one', id }))).toMatchObject({ id: null, error: { code: -32600 } });
    });

    it('should answer null, strings and nested arrays inside a batch with −32600 (json-rpc-2.0 throws on null)', async () => {
      const out = (await reply(rpc, `[null, "x", [${call('one')}]]`)) as Array<Record<string, any>>;
      expect(out.map((r) => [r.id, r.error.code])).toEqual([
        [null, -32600],
        [null, -32600],
        [null, -32600],
      ]);
    });

    it('should refuse a top-level scalar with −32600', async () => {
      expect(await reply(rpc, '42')).toMatchObject({ id: null, error: { code: -32600 } });
      expect(await reply(rpc, 'null')).toMatchObject({ id: null, error: { code: -32600 } });
    });

    it('should answer a thrown error with −32603 and no message, and log it', async () => {
      const out = await reply(rpc, call('boom'));
      expect(out).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } });
      expect(JSON.stringify(out)).not.toContain('hunter2');
      expect(logger.lines.some((l) => l.includes('hunter2'))).toBe(true);
    });

    it.each(['big', 'cycle', 'fn'])('should answer an unserialisable result (%s) with −32603 for that call only', async (method) => {
      const out = (await reply(rpc, `[${call(method, undefined, 'x')}, ${call('one', undefined, 'y')}]`)) as Array<Record<string, any>>;
      expect(out[0]).toMatchObject({ id: 'x', error: { code: -32603, message: 'Internal error' } });
      expect(out[1]).toEqual({ jsonrpc: '2.0', id: 'y', result: 1 });
    });

    it('should not reply to notifications even when they fail', async () => {
      expect(await rpc.handle(notify('boom'))).toBeUndefined();
      expect(await rpc.handle(notify('nope'))).toBeUndefined();
      expect(await rpc.handle(notify('one', [1, 2, 3]))).toBeUndefined();
    });

    it('should answer id null requests (they are not notifications)', async () => {
      expect(await reply(rpc, call('one', undefined, null))).toEqual({ jsonrpc: '2.0', id: null, result: 1 });
    });
  });

  describe('in debug mode', () => {
    it('should put the internal error in data', async () => {
      const rpc = new RpcDispatcher({ boom: () => Promise.reject(new TypeError('bad thing')) }, { debug: true, logger: recordingLogger() });
      expect(await reply(rpc, call('boom'))).toMatchObject({
        error: { code: -32603, message: 'Internal error', data: { name: 'TypeError', message: 'bad thing' } },
      });
    });
  });

  describe('errors chosen by methods', () => {
    const rpc = new RpcDispatcher({
      custom: () => {
        throw new JSONRPCErrorException('Out of stock', 42, { sku: 'x' });
      },
      catalog: () => Promise.reject(createError('RXP_ERR_UNKNOWN_ACTOR', 'w1')),
      standard: () => {
        throw createError('RXP_ERR_INVALID_ARGUMENT', 'n', 'a positive number', -1);
      },
    });

    it('should pass JSONRPCErrorException through', async () => {
      expect(await reply(rpc, call('custom'))).toMatchObject({ error: { code: 42, message: 'Out of stock', data: { sku: 'x' } } });
    });

    it('should map catalog errors to their rpcCode', async () => {
      expect(await reply(rpc, call('catalog'))).toMatchObject({ error: { code: -32001, message: 'Unknown actor "w1"' } });
      expect(await reply(rpc, call('standard'))).toMatchObject({
        error: { code: -32602, message: 'Invalid params', data: 'Expected `n` to be a positive number, got -1' },
      });
    });
  });

  describe('params', () => {
    const rpc = new RpcDispatcher({ calc: new ScientificCalculator() });

    it.each([
      ['too few', [1], 'expected 2 params, got 1'],
      ['too many', [1, 2, 3], 'expected 2 params, got 3'],
    ])('should answer %s positional params with −32602', async (_name, params, detail) => {
      expect(await reply(rpc, call('calc.add', params))).toMatchObject({ error: { code: -32602, message: 'Invalid params', data: expect.stringContaining(detail) } });
    });

    it('should count defaults as optional', async () => {
      expect(await reply(rpc, call('calc.divide', [8]))).toMatchObject({ result: 8 });
      expect(await reply(rpc, call('calc.divide', { a: 8 }))).toMatchObject({ result: 8 });
      expect(await reply(rpc, call('calc.divide', [8, 2, 1]))).toMatchObject({ error: { data: expect.stringContaining('at most 2 params, got 3') } });
    });

    it('should bind named params by the names in the source', async () => {
      expect(await reply(rpc, call('calc.add', { b: 2, a: 40 }))).toMatchObject({ result: 42 });
    });

    it('should refuse unknown and missing names', async () => {
      expect(await reply(rpc, call('calc.add', { a: 1, c: 2 }))).toMatchObject({ error: { code: -32602, data: expect.stringContaining('unknown param c') } });
      expect(await reply(rpc, call('calc.add', { a: 1 }))).toMatchObject({ error: { code: -32602, data: expect.stringContaining('missing param b') } });
    });

    it('should check declared types', async () => {
      expect(await reply(rpc, call('calc.pow', [3]))).toMatchObject({ result: 9 });
      expect(await reply(rpc, call('calc.pow', { base: 2, exponent: 10 }))).toMatchObject({ result: 1024 });
      expect(await reply(rpc, call('calc.pow', ['3']))).toMatchObject({ error: { code: -32602, data: expect.stringContaining('base must be number, got string') } });
      expect(await reply(rpc, call('calc.pow', [2, 0.5]))).toMatchObject({ error: { code: -32602, data: expect.stringContaining('exponent must be integer, got number') } });
    });

    it('should pass a params object whole to a method with one destructured parameter', async () => {
      const d = new RpcDispatcher({ area: ({ w, h }: { w: number; h: number }) => w * h });
      expect(await reply(d, call('area', { w: 2, h: 3 }))).toMatchObject({ result: 6 });
      expect(await reply(d, call('area', [{ w: 2, h: 4 }]))).toMatchObject({ result: 8 });
    });

    it('should accept positional params only when names are unknown (bound functions)', async () => {
      const d = new RpcDispatcher({ max: Math.max.bind(Math) });
      expect(await reply(d, call('max', [1, 5, 2]))).toMatchObject({ result: 5 });
      expect(await reply(d, call('max', { a: 1 }))).toMatchObject({ error: { code: -32602, data: expect.stringContaining('by position only') } });
    });

    it('should accept no params for a method without parameters', async () => {
      const d = new RpcDispatcher({ now: () => 7 });
      expect(await reply(d, call('now'))).toMatchObject({ result: 7 });
      expect(await reply(d, call('now', []))).toMatchObject({ result: 7 });
      expect(await reply(d, call('now', {}))).toMatchObject({ result: 7 });
    });
  });

  describe('handlers', () => {
    it('should expose class methods (inherited too), not _names nor object fields', async () => {
      const rpc = new RpcDispatcher({ calc: new ScientificCalculator() });
      expect([...rpc.methods.keys()].sort()).toEqual(['calc.add', 'calc.divide', 'calc.pow']);
      expect(await reply(rpc, call('calc._helper'))).toMatchObject({ error: { code: -32601 } });
      expect(await reply(rpc, call('calc.db.secret'))).toMatchObject({ error: { code: -32601 } });
      expect(await reply(rpc, call('calc.constructor'))).toMatchObject({ error: { code: -32601 } });
      expect(await reply(rpc, call('calc.toString'))).toMatchObject({ error: { code: -32601 } });
    });

    it('should resolve namespaces of any depth, and fields marked with namespace()', async () => {
      class Service {
        admin = namespace({ users: { count: () => 3 } });
      }
      const rpc = new RpcDispatcher({ a: { b: { c: { d: () => 'deep' } } }, svc: new Service() });
      expect(await reply(rpc, call('a.b.c.d'))).toMatchObject({ result: 'deep' });
      expect(await reply(rpc, call('svc.admin.users.count'))).toMatchObject({ result: 3 });
    });

    it('should call class methods with their instance as this', async () => {
      class Counter {
        #n = 0;
        next(): number {
          return ++this.#n;
        }
      }
      const rpc = new RpcDispatcher(new Counter());
      await rpc.handle(call('next'));
      expect(await reply(rpc, call('next'))).toMatchObject({ result: 2 });
    });

    it('should refuse duplicate names and the reserved rpc. prefix', () => {
      expect(() => new RpcDispatcher([{ a: () => 1 }, { a: () => 2 }])).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
      expect(() => new RpcDispatcher({ rpc: { cancel: () => 1 } })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
    });

    it('should survive cycles in the handler tree', async () => {
      const tree: Record<string, unknown> = { ping: () => 'pong' };
      tree.self = tree;
      expect([...new RpcDispatcher(tree).methods.keys()]).toEqual(['ping']);
    });

    it('should give methods declared with context: true the call context first', async () => {
      const rpc = new RpcDispatcher({
        whoami: rpcMethod({ context: true }, (ctx: RpcCallContext, greeting: string) => `${greeting} ${ctx.method}#${String(ctx.id)} via ${ctx.transport.kind}`),
      });
      expect(await reply(rpc, call('whoami', ['hi'], 'x'))).toMatchObject({ result: 'hi whoami#x via direct' });
      expect(await reply(rpc, call('whoami', { greeting: 'yo' }))).toMatchObject({ result: 'yo whoami#1 via direct' });
      expect(await reply(rpc, call('whoami', []))).toMatchObject({ error: { code: -32602 } });
    });
  });

  describe('results', () => {
    const rpc = new RpcDispatcher({
      value: () => 1,
      nothing: () => undefined,
      promise: async () => 2,
      observable: () => of(1, 2, 3).pipe(observeOn(asapScheduler)),
      empty: () => defer(() => of()),
      failing: () => throwError(() => createError('RXP_ERR_UNKNOWN_ACTOR', 'x')),
    });

    it.each([
      ['a value', 'value', 1],
      ['undefined (as null)', 'nothing', null],
      ['a Promise', 'promise', 2],
      ['an Observable (its last value)', 'observable', 3],
      ['an empty Observable (null)', 'empty', null],
    ])('should reply with %s', async (_name, method, result) => {
      expect(await reply(rpc, call(method))).toEqual({ jsonrpc: '2.0', id: 1, result });
    });

    it('should reply to a failing Observable with its error', async () => {
      expect(await reply(rpc, call('failing'))).toMatchObject({ error: { code: -32001 } });
    });

    it('should run a batch concurrently and keep request order', async () => {
      const d = new RpcDispatcher({ slow: () => new Promise((resolve) => setImmediate(resolve, 'slow')), fast: () => 'fast' });
      const out = (await reply(d, `[${call('slow', undefined, 1)}, ${call('fast', undefined, 2)}]`)) as Array<Record<string, any>>;
      expect(out.map((r) => r.result)).toEqual(['slow', 'fast']);
    });
  });

  describe('batch limit', () => {
    it('should refuse a batch above maxBatchSize with one −32600', async () => {
      const rpc = new RpcDispatcher({ one: () => 1 }, { maxBatchSize: 2 });
      const batch = `[${[1, 2, 3].map((i) => call('one', undefined, i)).join(',')}]`;
      expect(await reply(rpc, batch)).toMatchObject({ id: null, error: { code: -32600, data: expect.stringContaining('3 calls exceeds the limit of 2') } });
      expect(await reply(rpc, `[${call('one')},${call('one', undefined, 2)}]`)).toHaveLength(2);
    });
  });

  describe('handle$ (streaming transports)', () => {
    it('should stream an Observable as rpc.next notifications, then reply null', async () => {
      const rpc = new RpcDispatcher({ ticks: (n: number) => range(0, n).pipe(observeOn(asapScheduler)) });
      const out = await lastValueFrom(rpc.handle$(call('ticks', [3], 7), { kind: 'websocket', streaming: true }).pipe(toArray()));
      expect(out.map((t) => JSON.parse(t))).toEqual([
        { jsonrpc: '2.0', method: 'rpc.next', params: { id: 7, value: 0 } },
        { jsonrpc: '2.0', method: 'rpc.next', params: { id: 7, value: 1 } },
        { jsonrpc: '2.0', method: 'rpc.next', params: { id: 7, value: 2 } },
        { jsonrpc: '2.0', id: 7, result: null },
      ]);
    });

    it('should unsubscribe an Observable method when the caller unsubscribes', async () => {
      let unsubscribed = false;
      const rpc = new RpcDispatcher({ forever: () => new Observable(() => () => (unsubscribed = true)) });
      rpc.handle$(call('forever'), { kind: 'websocket', streaming: true }).subscribe().unsubscribe();
      expect(unsubscribed).toBe(true);
    });
  });
});
