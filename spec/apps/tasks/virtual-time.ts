/**
 * Runs a scenario in virtual time (RxJS `TestScheduler.run`; `asapScheduler` is virtual inside).
 *
 * Components get the TestScheduler itself through {@link vs} rather than relying on run mode's
 * virtual `asyncScheduler`: run mode serves every due timer from one shared table and trips
 * ("Expected a due immediate or interval") when a callback cancels another timer due at the
 * same instant — which a worker does all the time (a wake hint cancels its poll timer).
 * The scenario must stop everything that repeats (consumers, periodic schedulers) by some
 * virtual time, or the run never ends.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { TaskEvent, TaskQueueClient } from 'rxpulsar/apps/tasks';

export interface VirtualTools {
  readonly scheduler: TestScheduler;
  /** Runs `work` at virtual time `time` (ms). */
  at(time: number, work: () => void): void;
  now(): number;
}

let active: TestScheduler | undefined;

/** The scheduler to give components: the running TestScheduler, else `asyncScheduler`. */
export function vs(): SchedulerLike {
  return active ?? asyncScheduler;
}

export function virtual(scenario: (tools: VirtualTools) => void): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  active = scheduler;
  try {
    scheduler.run(() => {
      scenario({
        scheduler,
        at: (time, work) => {
          scheduler.schedule(work, time - scheduler.now());
        },
        now: () => scheduler.now(),
      });
    });
  } finally {
    active = undefined;
  }
}

/** `[time, id, status or event type]` of every event `client.tasks$()` shows. */
export function timeline(client: TaskQueueClient): [number, string, string][] {
  const lines: [number, string, string][] = [];
  client.tasks$().subscribe((event: TaskEvent) => lines.push([vs().now(), event.id, event.type === 'status' ? event.status : event.type]));
  return lines;
}
