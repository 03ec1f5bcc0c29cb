/**
 * The table of the dining philosophers, held by the arbiter: which philosopher sits where, who
 * holds which fork, who waits for it. Philosophers (worker actors) reach it only through the
 * arbiter's `pickup_fork` / `putdown_fork` commands, so all of its state lives in one event loop.
 *
 * Seat i uses forks i and (i + 1) mod N. No deadlock by resource ordering: a philosopher always
 * asks for the lower-numbered of its two forks first (`Seat.first`), so no cycle of waits can
 * form; waits are first come, first served, so nobody starves. The table watches for a cycle
 * anyway and reports one as a `deadlock` event (a philosopher ignoring the order would cause it).
 *
 * ```
 * pickup(p, 1):  ---(1|)                 fork 1 was free
 * pickup(q, 1):  -----------(1|)         granted when p puts fork 1 down
 * ```
 */
import { Observable, Subject } from 'rxjs';
import { createError } from 'rxpulsar';

export interface Seat {
  readonly seat: number;
  /** The two forks of this seat, lower-numbered first: the order to pick them up in. */
  readonly first: number;
  readonly second: number;
}

export type PhilosopherEvent =
  | { readonly type: 'seated'; readonly seat: number; readonly philosopher: string; readonly time: number }
  | { readonly type: 'eating'; readonly seat: number; readonly philosopher: string; readonly meal: number; readonly time: number }
  | { readonly type: 'thinking'; readonly seat: number; readonly philosopher: string; readonly meals: number; readonly time: number }
  | { readonly type: 'left'; readonly seat: number; readonly philosopher: string; readonly time: number }
  | { readonly type: 'deadlock'; readonly seats: readonly number[]; readonly time: number };

interface Waiter {
  readonly philosopher: string;
  readonly grant: () => void;
}

export class ForkTable {
  readonly size: number;
  readonly #events = new Subject<PhilosopherEvent>();
  /** Everything that happens at the table, as it happens. */
  readonly events$: Observable<PhilosopherEvent> = this.#events.asObservable();
  readonly #seats = new Map<string, Seat>();
  readonly #holders: Array<string | undefined>;
  readonly #queues: Waiter[][];
  readonly #waitingFor = new Map<string, number>();
  readonly #eating = new Set<string>();
  readonly #meals: number[];
  readonly #now: () => number;

  constructor(size: number, now: () => number = Date.now) {
    if (!Number.isInteger(size) || size < 2) throw createError('RXP_ERR_INVALID_ARGUMENT', 'size', 'an integer >= 2', size);
    this.size = size;
    this.#holders = new Array<string | undefined>(size).fill(undefined);
    this.#queues = Array.from({ length: size }, () => []);
    this.#meals = new Array<number>(size).fill(0);
    this.#now = now;
  }

  /** Seats `philosopher` at the lowest free seat (or its own again); null when the table is full. */
  join(philosopher: string): Seat | null {
    const known = this.#seats.get(philosopher);
    if (known) {
      // A restarted philosopher: whatever its previous life held is released.
      this.#releaseAll(philosopher);
      return known;
    }
    const taken = new Set([...this.#seats.values()].map((s) => s.seat));
    let seat = 0;
    while (taken.has(seat)) seat++;
    if (seat >= this.size) return null;
    const left = seat;
    const right = (seat + 1) % this.size;
    const place: Seat = { seat, first: Math.min(left, right), second: Math.max(left, right) };
    this.#seats.set(philosopher, place);
    this.#events.next({ type: 'seated', seat, philosopher, time: this.#now() });
    return place;
  }

  /** The philosopher is gone (stopped, crashed): its forks go to the next in line, its seat is free. */
  leave(philosopher: string): void {
    const seat = this.#seats.get(philosopher);
    if (!seat) return;
    this.#releaseAll(philosopher);
    this.#seats.delete(philosopher);
    this.#events.next({ type: 'left', seat: seat.seat, philosopher, time: this.#now() });
  }

  /**
   * Emits `fork` once `philosopher` holds it, then completes. Unsubscribing before that leaves
   * the queue (a cancelled request, a philosopher that stopped).
   */
  pickup(philosopher: string, fork: number): Observable<number> {
    return new Observable<number>((subscriber) => {
      const seat = this.#seatOf(philosopher);
      if (fork !== seat.first && fork !== seat.second) {
        throw createError('RXP_ERR_INVALID_ARGUMENT', 'fork', `${seat.first} or ${seat.second} (seat ${seat.seat})`, fork);
      }
      const grant = (): void => {
        this.#waitingFor.delete(philosopher);
        this.#holders[fork] = philosopher;
        this.#startEating(philosopher, seat);
        subscriber.next(fork);
        subscriber.complete();
      };
      if (this.#holders[fork] === philosopher) {
        subscriber.next(fork);
        subscriber.complete();
        return undefined;
      }
      if (this.#holders[fork] === undefined && this.#queues[fork].length === 0) {
        grant();
        return undefined;
      }
      const waiter: Waiter = { philosopher, grant };
      this.#queues[fork].push(waiter);
      this.#waitingFor.set(philosopher, fork);
      this.#detectDeadlock(philosopher);
      return () => {
        const queue = this.#queues[fork];
        const index = queue.indexOf(waiter);
        if (index >= 0) {
          queue.splice(index, 1);
          this.#waitingFor.delete(philosopher);
        }
      };
    });
  }

  /** Puts a fork down; true if `philosopher` held it. The next philosopher in line gets it. */
  putdown(philosopher: string, fork: number): boolean {
    if (!Number.isInteger(fork) || fork < 0 || fork >= this.size || this.#holders[fork] !== philosopher) return false;
    this.#release(fork);
    if (this.#eating.delete(philosopher)) {
      const seat = this.#seats.get(philosopher)!;
      this.#events.next({ type: 'thinking', seat: seat.seat, philosopher, meals: this.#meals[seat.seat], time: this.#now() });
    }
    return true;
  }

  /** Meals eaten so far, by seat. */
  meals(): number[] {
    return [...this.#meals];
  }

  /** Who holds each fork (undefined: on the table). */
  holders(): Array<string | undefined> {
    return [...this.#holders];
  }

  #seatOf(philosopher: string): Seat {
    const seat = this.#seats.get(philosopher);
    if (!seat) throw createError('RXP_ERR_INVALID_ARGUMENT', 'philosopher', 'seated (philosopher_join first)', philosopher);
    return seat;
  }

  #startEating(philosopher: string, seat: Seat): void {
    if (this.#holders[seat.first] !== philosopher || this.#holders[seat.second] !== philosopher) return;
    this.#eating.add(philosopher);
    const meal = ++this.#meals[seat.seat];
    this.#events.next({ type: 'eating', seat: seat.seat, philosopher, meal, time: this.#now() });
  }

  #release(fork: number): void {
    this.#holders[fork] = undefined;
    const next = this.#queues[fork].shift();
    next?.grant();
  }

  #releaseAll(philosopher: string): void {
    this.#eating.delete(philosopher);
    for (const queue of this.#queues) {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i].philosopher === philosopher) queue.splice(i, 1);
    }
    this.#waitingFor.delete(philosopher);
    for (let fork = 0; fork < this.size; fork++) if (this.#holders[fork] === philosopher) this.#release(fork);
  }

  /** Follows "waits for the holder of" from `start`; a way back to `start` is a deadlock. */
  #detectDeadlock(start: string): void {
    const seats: number[] = [];
    let current: string | undefined = start;
    for (let steps = 0; current !== undefined && steps <= this.size; steps++) {
      seats.push(this.#seats.get(current)!.seat);
      const fork = this.#waitingFor.get(current);
      if (fork === undefined) return;
      current = this.#holders[fork];
      if (current === start) {
        this.#events.next({ type: 'deadlock', seats, time: this.#now() });
        return;
      }
    }
  }
}
