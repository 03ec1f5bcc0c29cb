import { AssertionError } from 'node:assert';
import { expect as check } from '../../../apps/test/expect';

const fails = (fn: () => void): AssertionError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AssertionError) return error;
    throw error;
  }
  throw new Error('expected an AssertionError');
};

describe('expect (test app helper)', () => {
  it('should pass matching expectations silently', () => {
    check(1 + 1).toBe(2);
    check({ a: [1, { b: 2 }] }).toEqual({ a: [1, { b: 2 }] });
    check('x').toBeTruthy();
    check(0).toBeFalsy();
    check(null).toBeNull();
    check(undefined).toBeUndefined();
    check(0).toBeDefined();
    check(3).toBeGreaterThan(2);
    check(3).toBeGreaterThanOrEqual(3);
    check(2).toBeLessThan(3);
    check(2).toBeLessThanOrEqual(2);
    check('pulsar').toContain('uls');
    check(new Set([1, 2])).toContain(2);
    check([1, 2, 3]).toHaveLength(3);
    check('abc').toMatch(/^a/);
    check('a.c').toMatch('.');
    check(new RangeError('r')).toBeInstanceOf(Error);
    check(() => JSON.parse('{')).toThrow(/JSON/);
    check(() => undefined).not.toThrow();
    check(1).not.toBe(2);
    check({ a: 1 }).not.toEqual({ a: 2 });
  });

  it('should throw an AssertionError naming what was expected', () => {
    expect(fails(() => check(2).toBe(1)).message).toBe('2 to be 1');
    expect(fails(() => check([1]).toContain(2)).message).toBe('[ 1 ] to contain 2');
    expect(fails(() => check('abc').toMatch('z')).message).toBe("'abc' to match /z/");
    expect(fails(() => check(() => undefined).toThrow()).message).toBe('function to throw');
    expect(fails(() => check(() => { throw new Error('other'); }).toThrow('boom')).message).toBe(
      "function to throw an error matching 'boom' (threw 'other')",
    );
    expect(fails(() => check(1).not.toBe(1)).message).toBe('expected not: 1 to be 1');
    expect(fails(() => check({ a: 1 }).toEqual({ a: 2 })).code).toBe('ERR_ASSERTION');
    expect(fails(() => check('ab').toHaveLength(3)).message).toBe("'ab' to have length 3 (got 2)");
    expect(fails(() => check('5').toBeGreaterThan(1)).message).toBe("'5' > 1");
  });

  it('should refuse toThrow on a value that is not a function', () => {
    expect(() => check(1).toThrow()).toThrow(TypeError);
  });
});
