/**
 * Ping/pong keep-alive for every connection of an app, on ONE timer.
 *
 * Each tick: a peer that answered nothing since the previous tick (no pong, no message) is
 * expired; every other peer is marked not-alive and pinged. A dead peer is thus dropped between
 * one and two intervals after it went silent. One shared timer instead of one per connection
 * keeps an idle connection free of timer objects (see the heap figure in bench/ws.ts).
 *
 * ```
 * tick   ----t----t----t----
 * peer   -p--------------------   (p = pong)
 * action ----P----P----X          (P = ping, X = expire)
 * ```
 */
import { asyncScheduler, interval, type SchedulerLike, type Subscription } from 'rxjs';

/** What keep-alive needs from a connection. */
export interface KeepAlivePeer {
  /** Set by the connection on every pong or message; cleared by each tick. */
  alive: boolean;
  /** Drops the peer (it answered nothing for a whole interval). */
  expire(): void;
  ping(): void;
}

export class KeepAlive {
  readonly #peers = new Set<KeepAlivePeer>();
  readonly #intervalMs: number;
  readonly #scheduler: SchedulerLike;
  #timer: Subscription | undefined;

  /** @param intervalMs 0 disables keep-alive (peers are tracked, never pinged). */
  constructor(intervalMs: number, scheduler: SchedulerLike = asyncScheduler) {
    this.#intervalMs = intervalMs;
    this.#scheduler = scheduler;
  }

  get size(): number {
    return this.#peers.size;
  }

  add(peer: KeepAlivePeer): void {
    peer.alive = true;
    this.#peers.add(peer);
    // The timer runs only while there are peers, so an idle app holds no timer.
    if (this.#timer === undefined && this.#intervalMs > 0) {
      this.#timer = interval(this.#intervalMs, this.#scheduler).subscribe(() => this.#tick());
    }
  }

  delete(peer: KeepAlivePeer): void {
    this.#peers.delete(peer);
    if (this.#peers.size === 0) this.stop();
  }

  /** Stops the timer (peers stay tracked). */
  stop(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
  }

  #tick(): void {
    for (const peer of [...this.#peers]) {
      if (!peer.alive) {
        this.delete(peer);
        peer.expire();
      } else {
        peer.alive = false;
        peer.ping();
      }
    }
  }
}
