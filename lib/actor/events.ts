/**
 * Lifecycle events of actors, as emitted on `arbiter().events$`. One namespace scheme:
 * `actor:<what>`, plus `monitor:*` and `arbiter:*` for the supervisors themselves.
 */
import type { Concurrency } from '../config/settings';

export type ActorEventType =
  | 'actor:spawned'
  | 'actor:started'
  | 'actor:notified'
  | 'actor:stopping'
  | 'actor:stopped'
  | 'actor:crashed'
  | 'actor:restarted'
  | 'actor:escalated'
  | 'monitor:scaled'
  | 'arbiter:started'
  | 'arbiter:stopping'
  | 'arbiter:stopped';

export interface ActorEvent {
  readonly type: ActorEventType;
  /** Actor id (or the monitor / arbiter name for their own events). */
  readonly aid: string;
  readonly name: string;
  readonly concurrency?: Concurrency;
  readonly pid?: number;
  readonly threadId?: number;
  /** Why it stopped, crashed or restarted: `exit code 1`, `SIGKILL`, `heartbeat timeout`, ... */
  readonly reason?: string;
  /** Monitor that owns the actor, if any. */
  readonly monitor?: string;
  /** Restart count of this actor so far. */
  readonly restarts?: number;
  /** Extra data: the heartbeat info for `actor:notified`, the new size for `monitor:scaled`. */
  readonly data?: unknown;
  /** `Date.now()` (or the injected scheduler's `now()`). */
  readonly time: number;
}
