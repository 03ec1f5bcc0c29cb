/**
 * A small expect-style helper over `node:assert`: every failed expectation throws an
 * `AssertionError`, which the runner reports as a failure (any other error is an error, as
 * pulsar distinguished them). `node:assert` itself works just as well in tests.
 *
 * ```ts
 * expect(1 + 1).toBe(2);
 * expect({ a: [1] }).toEqual({ a: [1] });
 * expect(() => JSON.parse('{')).toThrow(/JSON/);
 * expect('pulsar').not.toContain('x');
 * ```
 */
import { AssertionError, deepStrictEqual, notDeepStrictEqual } from 'node:assert';
import { inspect } from 'node:util';

export interface Matchers {
  /** `Object.is` equality. */
  toBe(expected: unknown): void;
  /** Deep strict equality (`assert.deepStrictEqual`). */
  toEqual(expected: unknown): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toBeDefined(): void;
  toBeUndefined(): void;
  toBeNull(): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThan(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  /** A string containing a substring, or an array/iterable containing an item (`Object.is`). */
  toContain(item: unknown): void;
  toHaveLength(length: number): void;
  /** A string matching a regular expression. */
  toMatch(pattern: RegExp | string): void;
  /** `instanceof`. */
  toBeInstanceOf(type: abstract new (...args: never[]) => unknown): void;
  /** A function that throws; optionally an error whose message matches. */
  toThrow(expected?: RegExp | string): void;
}

export interface Expectation extends Matchers {
  /** The opposite of each matcher. */
  readonly not: Matchers;
}

const show = (value: unknown): string => inspect(value, { depth: 4, breakLength: Infinity });

function check(pass: boolean, negated: boolean, message: string, actual: unknown, expected: unknown, operator: string): void {
  if (pass !== negated) return;
  throw new AssertionError({ message: negated ? `expected not: ${message}` : message, actual, expected, operator });
}

function matchers(actual: unknown, negated: boolean): Matchers {
  const is = (pass: boolean, message: string, expected: unknown, operator: string): void =>
    check(pass, negated, message, actual, expected, operator);
  return {
    toBe: (expected) => is(Object.is(actual, expected), `${show(actual)} to be ${show(expected)}`, expected, 'toBe'),
    toEqual: (expected) => {
      // node's own diff for the common case; the negation is assert's as well.
      if (negated) notDeepStrictEqual(actual, expected);
      else deepStrictEqual(actual, expected);
    },
    toBeTruthy: () => is(Boolean(actual), `${show(actual)} to be truthy`, true, 'toBeTruthy'),
    toBeFalsy: () => is(!actual, `${show(actual)} to be falsy`, false, 'toBeFalsy'),
    toBeDefined: () => is(actual !== undefined, `${show(actual)} to be defined`, undefined, 'toBeDefined'),
    toBeUndefined: () => is(actual === undefined, `${show(actual)} to be undefined`, undefined, 'toBeUndefined'),
    toBeNull: () => is(actual === null, `${show(actual)} to be null`, null, 'toBeNull'),
    toBeGreaterThan: (n) => is(typeof actual === 'number' && actual > n, `${show(actual)} > ${n}`, n, '>'),
    toBeGreaterThanOrEqual: (n) => is(typeof actual === 'number' && actual >= n, `${show(actual)} >= ${n}`, n, '>='),
    toBeLessThan: (n) => is(typeof actual === 'number' && actual < n, `${show(actual)} < ${n}`, n, '<'),
    toBeLessThanOrEqual: (n) => is(typeof actual === 'number' && actual <= n, `${show(actual)} <= ${n}`, n, '<='),
    toContain: (item) => {
      const pass =
        typeof actual === 'string'
          ? typeof item === 'string' && actual.includes(item)
          : actual !== null && typeof actual === 'object' && Symbol.iterator in actual && [...(actual as Iterable<unknown>)].some((x) => Object.is(x, item));
      is(pass, `${show(actual)} to contain ${show(item)}`, item, 'toContain');
    },
    toHaveLength: (length) => {
      const actualLength = (actual as { length?: unknown } | null | undefined)?.length;
      is(actualLength === length, `${show(actual)} to have length ${length} (got ${show(actualLength)})`, length, 'toHaveLength');
    },
    toMatch: (pattern) => {
      const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
      is(typeof actual === 'string' && re.test(actual), `${show(actual)} to match ${re}`, pattern, 'toMatch');
    },
    toBeInstanceOf: (type) => is(actual instanceof type, `${show(actual)} to be an instance of ${type.name}`, type, 'instanceof'),
    toThrow: (expected) => {
      if (typeof actual !== 'function') throw new TypeError(`expect(fn).toThrow() needs a function, got ${show(actual)}`);
      let thrown: unknown;
      let threw = false;
      try {
        (actual as () => unknown)();
      } catch (error) {
        threw = true;
        thrown = error;
      }
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      const matches =
        expected === undefined ? true : typeof expected === 'string' ? message.includes(expected) : expected.test(message);
      const what = expected === undefined ? 'to throw' : `to throw an error matching ${show(expected)}`;
      check(threw && matches, negated, `function ${what}${threw ? ` (threw ${show(message)})` : ''}`, thrown, expected, 'toThrow');
    },
  };
}

/** Expectations on `actual`; a failure throws an `AssertionError`. */
export function expect(actual: unknown): Expectation {
  return Object.assign(matchers(actual, false), { not: matchers(actual, true) });
}
