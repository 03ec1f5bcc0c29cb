/**
 * The numbers the graph plots: a random walk, one point at a random interval. Time and randomness
 * are injected, so the pace is tested in virtual time.
 */
import { asyncScheduler, Observable, type SchedulerAction, type SchedulerLike } from 'rxjs';

/** One point of the graph, as sent on the wire (JSON). */
export interface GraphPoint {
  /** 0, 1, 2, ... per connection. */
  readonly i: number;
  /** The scheduler's clock when the point was made (ms since the epoch with the default one). */
  readonly t: number;
  /** The walk's value, rounded to 4 decimals. */
  readonly v: number;
}

export interface RandomWalkOptions {
  /** Largest step, either way. @default 1 */
  readonly amplitude?: number;
  /** Longest wait between two points (ms). @default 250 */
  readonly maxInterval?: number;
  /** Shortest wait between two points (ms). @default 100 */
  readonly minInterval?: number;
  /** Uniform source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** The first value. @default 0 */
  readonly start?: number;
}

/**
 * A random walk: the first point at once, then one every `minInterval`–`maxInterval` ms (uniform),
 * each moving by a uniform step in [−amplitude, amplitude]. Cold: each subscriber gets its own
 * walk; unsubscribing cancels the pending timer.
 *
 * ```
 * randomWalk$()  p0--(100..250 ms)--p1--(100..250 ms)--p2-- ...
 * ```
 *
 * ## Example
 * ```ts
 * randomWalk$({ minInterval: 100, maxInterval: 250 }).pipe(map((p) => JSON.stringify(p)));
 * ```
 */
export function randomWalk$(options: RandomWalkOptions = {}): Observable<GraphPoint> {
  const { amplitude = 1, maxInterval = 250, minInterval = 100, random = Math.random, scheduler = asyncScheduler, start = 0 } = options;
  if (!(minInterval >= 0 && maxInterval >= minInterval)) {
    throw new TypeError(`Expected \`minInterval\` and \`maxInterval\` to satisfy 0 ≤ min ≤ max, got ${minInterval} and ${maxInterval}`);
  }
  const delay = (): number => minInterval + Math.floor(random() * (maxInterval - minInterval + 1));
  return new Observable<GraphPoint>((subscriber) => {
    let i = 0;
    let value = start;
    const emit = (): void => {
      if (i > 0) value += (random() * 2 - 1) * amplitude;
      subscriber.next({ i: i++, t: scheduler.now(), v: Math.round(value * 1e4) / 1e4 });
    };
    emit();
    return scheduler.schedule(function (this: SchedulerAction<undefined>) {
      emit();
      // Rescheduling the same action reuses its timer slot: one action per connection.
      this.schedule(undefined, delay());
    }, delay());
  });
}
