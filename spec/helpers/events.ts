import { firstValueFrom, filter, timeout, type Observable } from 'rxjs';
import type { ActorEvent } from 'rxpulsar';

/** The first event matching `predicate`, or a clear failure after `ms`. */
export function nextEvent(events$: Observable<ActorEvent>, predicate: (e: ActorEvent) => boolean, ms = 10_000): Promise<ActorEvent> {
  return firstValueFrom(
    events$.pipe(
      filter(predicate),
      timeout({ first: ms, with: () => Promise.reject(new Error(`no matching actor event within ${ms} ms`)) }),
    ),
  );
}

/** True while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
