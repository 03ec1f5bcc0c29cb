import { rpcMethod } from 'rxpulsar/apps/rpc';
import { parseDeclared, parseSource, signatureOf } from '../../../apps/rpc/signature';

const names = (fn: (...args: never[]) => unknown) =>
  parseSource(fn)?.map((p) => (typeof p === 'symbol' ? p.description : `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}`));

describe('parseSource', () => {
  it.each([
    ['a function', function add(a: number, b: number) { return a + b; }, ['a', 'b']],
    ['an arrow', (a: number, b: number) => a + b, ['a', 'b']],
    ['a one-param arrow without parens', eval('(x => x)'), ['x']],
    ['an async arrow', async (a: number) => a, ['a']],
    ['an async one-param arrow', eval('(async x => x)'), ['x']],
    ['no params', () => 1, []],
    ['defaults with calls and commas', eval('(function (a, b = Math.max(1, 2), c = [1, 2], d = "x,)") {})'), ['a', 'b?', 'c?', 'd?']],
    ['rest', (a: number, ...more: number[]) => a + more.length, ['a', '...more']],
    ['comments', eval('(function (a /* first, */, b // second\n) {})'), ['a', 'b']],
    ['a destructured object', ({ w, h }: { w: number; h: number }) => w * h, ['destructured object']],
    ['a destructured array', ([x]: number[]) => x, ['destructured array']],
  ])('should read %s', (_name, fn, expected) => {
    expect(names(fn as (...args: never[]) => unknown)).toEqual(expected);
  });

  it('should read class methods (shorthand, async)', () => {
    class C {
      add(a: number, b = 2): number {
        return a + b;
      }
      async load(id: string): Promise<string> {
        return id;
      }
    }
    expect(names(C.prototype.add)).toEqual(['a', 'b?']);
    expect(names(C.prototype.load)).toEqual(['id']);
  });

  it('should give up on native and bound functions', () => {
    expect(parseSource(Math.max)).toBeUndefined();
    expect(parseSource(((a: number) => a).bind(null))).toBeUndefined();
  });
});

describe('parseDeclared', () => {
  it('should read names, optional marks, rest and type unions', () => {
    expect(parseDeclared(['a', 'b: number', 'c?: string|null', '...d: integer'])).toEqual([
      { name: 'a', optional: false, rest: false, types: [] },
      { name: 'b', optional: false, rest: false, types: ['number'] },
      { name: 'c', optional: true, rest: false, types: ['string', 'null'] },
      { name: 'd', optional: false, rest: true, types: ['integer'] },
    ]);
  });

  it('should refuse bad syntax, unknown types and a rest param before the end', () => {
    expect(() => parseDeclared(['1a'])).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
    expect(() => parseDeclared(['a: Date'])).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
    expect(() => parseDeclared(['...a', 'b'])).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
  });
});

describe('signatureOf', () => {
  it('should compute arity from the source', () => {
    expect(signatureOf((a: number, b = 1) => a + b)).toMatchObject({ minArity: 1, maxArity: 2 });
    expect(signatureOf((...a: number[]) => a)).toMatchObject({ minArity: 0, maxArity: Infinity });
  });

  it('should prefer a declaration, and drop the context param', () => {
    const fn = rpcMethod({ context: true, params: ['x: number'], doc: 'd', section: 's' }, (_ctx: unknown, x: number) => x);
    expect(signatureOf(fn)).toMatchObject({ minArity: 1, maxArity: 1, doc: 'd', section: 's', withContext: true });
    expect(signatureOf(rpcMethod({ context: true }, (_ctx: unknown, a: number, b: number) => a + b)).params?.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('should fall back to fn.length for functions it cannot read', () => {
    expect(signatureOf(Math.pow)).toMatchObject({ params: undefined, minArity: 2, maxArity: Infinity });
  });

  it('should refuse rpcMethod on a non-function', () => {
    expect(() => rpcMethod({}, 42 as never)).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_ARGUMENT' }));
  });
});
