/**
 * The `calc` namespace of pulsar's JSON-RPC calculator (examples/calculator): float arithmetic
 * and random walks. Params are declared, so the dispatcher checks their number and JSON types
 * (−32602) and accepts them by position or by name.
 */
import { rpcMethod } from 'rxpulsar/apps/rpc';
import { createError } from 'rxpulsar';

/** Largest `num_paths × size` of `randompaths`: a bound on the work one request may ask for. */
export const MAX_RANDOM_POINTS = 100_000;

const section = 'calc';

/**
 * A result JSON can carry: `JSON.stringify(Infinity)` is `null`, which a client would read as a
 * valid answer, so overflows are refused like a division by zero.
 */
function finite(method: string, value: number): number {
  if (!Number.isFinite(value)) throw createError('RXP_ERR_RPC_INVALID_PARAMS', method, 'the result is not a finite number');
  return value;
}

/** A standard normal draw (Box–Muller) from a uniform source. */
function gaussian(random: () => number): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * The calculator's methods, exposed as `calc.<name>` when put under `calc` in a handler tree.
 *
 * ```
 * {"method":"calc.add","params":[3,7]}              -> 10
 * {"method":"calc.divide","params":{"a":50,"b":25}} -> 2
 * {"method":"calc.divide","params":[1,0]}           -> error −32602 "Invalid params"
 * ```
 *
 * ## Example
 * ```ts
 * import { RpcDispatcher, serverCommands } from 'rxpulsar/apps/rpc';
 * const rpc = new RpcDispatcher([{ calc: new Calculator() }, serverCommands()]);
 * ```
 */
export class Calculator {
  readonly #random: () => number;

  /** @param random Uniform source in [0, 1) for `randompaths` (seeded in tests). */
  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  readonly add = rpcMethod({ params: ['a: number', 'b: number'], doc: 'a + b', section }, (a: number, b: number) => finite('calc.add', a + b));

  readonly subtract = rpcMethod({ params: ['a: number', 'b: number'], doc: 'a - b', section }, (a: number, b: number) => finite('calc.subtract', a - b));

  readonly multiply = rpcMethod({ params: ['a: number', 'b: number'], doc: 'a × b', section }, (a: number, b: number) => finite('calc.multiply', a * b));

  readonly divide = rpcMethod({ params: ['a: number', 'b: number'], doc: 'a / b; b = 0 is an error (−32602)', section }, (a: number, b: number) => {
    if (b === 0) throw createError('RXP_ERR_RPC_INVALID_PARAMS', 'calc.divide', 'division by zero');
    return finite('calc.divide', a / b);
  });

  /** pulsar's `randompaths`: `num_paths` random walks of `size` Gaussian steps N(mu, sigma²). */
  readonly randompaths = rpcMethod(
    {
      params: ['num_paths?: integer', 'size?: integer', 'mu?: number', 'sigma?: number'],
      doc: `num_paths random walks of size steps drawn from N(mu, sigma²) (num_paths × size ≤ ${MAX_RANDOM_POINTS})`,
      section,
    },
    (num_paths = 1, size = 250, mu = 0, sigma = 1): number[][] => {
      if (num_paths < 1 || size < 1) throw createError('RXP_ERR_RPC_INVALID_PARAMS', 'calc.randompaths', 'num_paths and size must be at least 1');
      if (num_paths * size > MAX_RANDOM_POINTS) {
        throw createError('RXP_ERR_RPC_INVALID_PARAMS', 'calc.randompaths', `num_paths × size must be at most ${MAX_RANDOM_POINTS}`);
      }
      if (sigma < 0) throw createError('RXP_ERR_RPC_INVALID_PARAMS', 'calc.randompaths', 'sigma must not be negative');
      const paths: number[][] = [];
      for (let p = 0; p < num_paths; p++) {
        const path = new Array<number>(size);
        let x = 0;
        for (let i = 0; i < size; i++) {
          x += mu + sigma * gaussian(this.#random);
          path[i] = x;
        }
        paths.push(path);
      }
      return paths;
    },
  );
}
