import { Observable, asyncScheduler, map, mergeMap, of, scan, takeWhile, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';

export interface RestartPolicyOptions {
  /** Delay before the first restart, ms. @default 100 */
  readonly initialDelay?: number;
  /** Multiplier per further crash within `period`. @default 2 */
  readonly factor?: number;
  /** Longest delay, ms. @default 10000 */
  readonly maxDelay?: number;
  /** Most restarts allowed within `period` (Erlang/OTP intensity); one more escalates. @default 5 */
  readonly intensity?: number;
  /** Sliding window for `intensity` and the backoff exponent, ms. @default 30000 */
  readonly period?: number;
  readonly scheduler?: SchedulerLike;
}

export type RestartDecision =
  | { readonly action: 'restart'; readonly attempt: number; readonly delay: number }
  | { readonly action: 'escalate'; readonly crashes: number };

/**
 * Turns a stream of crashes into restart decisions: each crash is answered, after an exponential
 * backoff, by `restart`; more than `intensity` crashes within `period` is answered at once by
 * `escalate`, and the stream completes (the supervisor gives up, as OTP's does).
 *
 * ```
 * crash$:  c--c--c--c        (intensity 2, initialDelay 1, factor 1)
 * result:  -r--r-(e|)        r = restart after the delay; e = escalate: 3 crashes > intensity 2
 * ```
 */
export function restartPolicy<T>(options: RestartPolicyOptions = {}): OperatorFunction<T, RestartDecision> {
  const { initialDelay = 100, factor = 2, maxDelay = 10_000, intensity = 5, period = 30_000, scheduler = asyncScheduler } = options;
  return (crash$) =>
    crash$.pipe(
      scan((times: number[]) => {
        const now = scheduler.now();
        return [...times.filter((t) => now - t < period), now];
      }, []),
      mergeMap((times): Observable<RestartDecision> => {
        if (times.length > intensity) return of<RestartDecision>({ action: 'escalate', crashes: times.length });
        const delay = Math.min(maxDelay, initialDelay * factor ** (times.length - 1));
        return timer(delay, scheduler).pipe(map((): RestartDecision => ({ action: 'restart', attempt: times.length, delay })));
      }),
      takeWhile((decision) => decision.action !== 'escalate', true),
    );
}
