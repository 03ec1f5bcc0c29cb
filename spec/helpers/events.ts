import { readFileSync } from 'node:fs';
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

/**
 * True while a process with this pid runs. A zombie (exited, not yet reaped: children of a killed
 * arbiter wait for init to reap them) counts as gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
