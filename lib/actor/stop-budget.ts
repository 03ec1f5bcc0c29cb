/**
 * How the time of a graceful stop is shared, from one place. The supervisor kills a worker that
 * has not exited after `graceful_timeout` (100 %); the actor gives up on its stop hooks a little
 * earlier, so that the exit is its own and clean; an app draining its work inside a stop hook
 * must be done earlier still, leaving itself a margin to report and close.
 */
import type { Config } from '../config/config';

/** Ms an actor's stop hooks get: 90 % of `graceful_timeout`. */
export function stopHookBudget(config: Config): number {
  return Math.max(0, Number(config.get('graceful_timeout')) * 900);
}

/**
 * Ms an app gives its in-flight work (connections, running tasks) when its worker stops: the
 * stop hooks' budget less a margin to report results and close (a tenth of it, at most 1 s).
 */
export function drainBudget(config: Config): number {
  const hooks = stopHookBudget(config);
  return hooks - Math.min(1000, hooks / 10);
}
