/**
 * Coalesces the `enqueue` calls made in one turn of the event loop into batched backend calls
 * (one Lua script or one mailbox message per batch instead of one per task), and applies the
 * producer's high-water mark: a refused batch either waits — retried with a growing delay on
 * the injected scheduler — or fails with RXP_ERR_QUEUE_FULL.
 * @internal
 */
import { asapScheduler, Observable, type SchedulerLike } from 'rxjs';
import { createError } from '../../lib/errors';
import type { EnqueueRequest, EnqueueResult, TaskBackend } from './backend';

export type Backpressure = 'wait' | 'error';

export interface EnqueueBatcherOptions {
  readonly backend: TaskBackend;
  readonly backpressure: Backpressure;
  readonly batch_size: number;
  readonly high_water_mark: number;
  readonly scheduler: SchedulerLike;
}

/** One queued request and where its answer goes (plain callbacks: 20,000 Subscribers would not be cheap). */
interface Pending {
  readonly request: EnqueueRequest;
  readonly closed: () => boolean;
  readonly done: (result: EnqueueResult) => void;
  readonly fail: (error: unknown) => void;
}

const FIRST_WAIT = 10;
const MAX_WAIT = 500;

export class EnqueueBatcher {
  readonly #options: EnqueueBatcherOptions;
  #pending: Pending[] = [];
  #scheduled = false;
  #inFlight = false;
  #wait = FIRST_WAIT;

  constructor(options: EnqueueBatcherOptions) {
    this.#options = options;
  }

  enqueue(request: EnqueueRequest): Observable<EnqueueResult> {
    return new Observable<EnqueueResult>((subscriber) => {
      this.#pending.push({
        request,
        closed: () => subscriber.closed,
        done: (result) => {
          subscriber.next(result);
          subscriber.complete();
        },
        fail: (error) => subscriber.error(error),
      });
      this.#schedule(0);
    });
  }

  /** Queues many requests; emits all their results, in order, once every one is stored. */
  enqueueMany(requests: readonly EnqueueRequest[]): Observable<EnqueueResult[]> {
    return new Observable<EnqueueResult[]>((subscriber) => {
      if (requests.length === 0) {
        subscriber.next([]);
        subscriber.complete();
        return undefined;
      }
      const results: EnqueueResult[] = new Array<EnqueueResult>(requests.length);
      let remaining = requests.length;
      let failed = false;
      requests.forEach((request, i) => {
        this.#pending.push({
          request,
          closed: () => subscriber.closed || failed,
          done: (result) => {
            results[i] = result;
            if (--remaining === 0) {
              subscriber.next(results);
              subscriber.complete();
            }
          },
          fail: (error) => {
            failed = true;
            subscriber.error(error);
          },
        });
      });
      this.#schedule(0);
      return undefined;
    });
  }

  #schedule(delay: number): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    // A delay of 0 runs on the microtask queue, after every enqueue of the current turn.
    const scheduler = delay === 0 ? asapScheduler : this.#options.scheduler;
    scheduler.schedule(() => {
      this.#scheduled = false;
      this.#flush();
    }, delay);
  }

  #flush(): void {
    // Requests whose subscriber left before the batch went out are not sent.
    this.#pending = this.#pending.filter((p) => !p.closed());
    if (this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, this.#options.batch_size);
    const { backend, high_water_mark, backpressure } = this.#options;
    this.#inFlight = true;
    backend.enqueue(batch.map((p) => p.request), { high_water_mark }).subscribe({
      next: (reply) => {
        this.#inFlight = false;
        if (reply.accepted) {
          this.#wait = FIRST_WAIT;
          reply.results.forEach((result, i) => batch[i].done(result));
          if (this.#pending.length > 0) this.#schedule(0);
        } else if (backpressure === 'error') {
          for (const p of batch) p.fail(createError('RXP_ERR_QUEUE_FULL', reply.waiting, high_water_mark));
          if (this.#pending.length > 0) this.#schedule(0);
        } else {
          this.#pending.unshift(...batch);
          const wait = this.#wait;
          this.#wait = Math.min(MAX_WAIT, this.#wait * 2);
          this.#schedule(wait);
        }
      },
      error: (error: unknown) => {
        this.#inFlight = false;
        for (const p of batch) p.fail(error);
        if (this.#pending.length > 0) this.#schedule(0);
      },
    });
  }
}
