/**
 * A philosopher's life, in its worker: take the first fork, then the second (both through the
 * arbiter's `pickup_fork`, which answers when the fork is free), eat, put both down
 * (`putdown_fork`), think, and again — forever, as one Observable that stopping the worker
 * unsubscribes. Pulsar's philosophers slept with `time.sleep`; here waiting is a timer, so the
 * worker stays responsive (heartbeats, stop) while it eats and thinks.
 *
 * ```
 * pickup(first) ── pickup(second) ── eat (timer) ── putdown ×2 ── think (timer) ── repeat
 * ```
 */
import { concat, defer, ignoreElements, repeat, retry, timer, type Observable } from 'rxjs';
import type { ActorContext } from 'rxpulsar';
import type { Seat } from './forks';

export interface Periods {
  /** Average eating time, ms. */
  readonly eating: number;
  /** Average thinking time, ms. */
  readonly waiting: number;
}

export function philosopher(actor: ActorContext, seat: Seat, periods: Periods, random: () => number = Math.random): Observable<never> {
  const about = (ms: number): Observable<0> => defer(() => timer(ms * (0.5 + random())));
  const call = (command: string, fork: number): Observable<unknown> => actor.send('arbiter', command, fork);
  return concat(
    call('pickup_fork', seat.first),
    call('pickup_fork', seat.second),
    about(periods.eating),
    call('putdown_fork', seat.second),
    call('putdown_fork', seat.first),
    about(periods.waiting),
  ).pipe(
    ignoreElements(),
    repeat(),
    // A lost reply (a timeout under load): start over after a pause; the table already took
    // back nothing we did not hold, and picking up a fork we hold is a no-op.
    retry({ delay: () => timer(Math.max(10, periods.waiting)) }),
  );
}
