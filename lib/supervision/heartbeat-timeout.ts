import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Emits once (the silence in ms) when the source has been silent for `timeoutMs` — since
 * subscription or since its last value — then completes. Completes silently when the source
 * completes (the watched actor is gone).
 *
 * ```
 * beat$:   --b----b-------------|
 * timeout: 5
 * result:  ------------(x|)
 * ```
 *
 * @param timeoutMs allowed silence, in the scheduler's time unit (ms)
 * @param scheduler time source (inject a TestScheduler in specs)
 */
export function heartbeatTimeout<T>(timeoutMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, number> {
  return (beat$) =>
    new Observable<number>((subscriber) => {
      let timer: Subscription | undefined;
      const arm = (): void => {
        timer?.unsubscribe();
        timer = scheduler.schedule(() => {
          subscriber.next(timeoutMs);
          subscriber.complete();
        }, timeoutMs);
      };
      arm();
      const source = beat$.subscribe({
        next: arm,
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          timer?.unsubscribe();
          subscriber.complete();
        },
      });
      return () => {
        source.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
