/**
 * Task states and the order in which a task moves through them.
 *
 * A task lives through attempts: it waits (PENDING), is delivered to a worker (RECEIVED, the
 * attempt counter goes up), runs (STARTED), and either ends (SUCCESS, FAILURE, REVOKED) or goes
 * back to wait for another attempt (RETRY: a retried failure or a lost lease). pulsar kept a
 * single precedence number per state, which cannot express RETRY → RECEIVED → STARTED again (and
 * so pulsar never used RETRY, inventory §11 item 16). Here the position of a state change is
 * `(attempt, rank)`, with the three end states absorbing: a late or duplicate event — a
 * pub/sub message overtaken by a snapshot, a worker that finished after its lease was handed
 * to another — never moves a task backwards.
 */

export const TaskStatus = {
  PENDING: 'PENDING',
  RECEIVED: 'RECEIVED',
  STARTED: 'STARTED',
  RETRY: 'RETRY',
  SUCCESS: 'SUCCESS',
  FAILURE: 'FAILURE',
  REVOKED: 'REVOKED',
} as const;

export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const ALL_STATES: readonly TaskStatus[] = Object.values(TaskStatus);

/** End states: nothing changes a task after one of these. */
export const READY_STATES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['SUCCESS', 'FAILURE', 'REVOKED']);

/** States of a task that is waiting for a worker (revoking it never interrupts a job). */
export const NOT_STARTED_STATES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['PENDING', 'RECEIVED', 'RETRY']);

/** States of a task that is not done yet. */
export const UNREADY_STATES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['PENDING', 'RECEIVED', 'STARTED', 'RETRY']);

/**
 * pulsar's precedence codes (lower = stronger), kept for display and for clients that sort by
 * them; ordering decisions use {@link isLater}.
 */
export const STATUS_PRECEDENCE: Readonly<Record<TaskStatus, number>> = {
  SUCCESS: 1,
  FAILURE: 2,
  REVOKED: 4,
  STARTED: 5,
  RECEIVED: 6,
  RETRY: 7,
  PENDING: 8,
};

const RANK: Readonly<Record<TaskStatus, number>> = {
  PENDING: 0,
  RECEIVED: 1,
  STARTED: 2,
  RETRY: 3,
  SUCCESS: 4,
  FAILURE: 4,
  REVOKED: 4,
};

/** True when `status` is an end state. */
export function isDone(status: TaskStatus): boolean {
  return READY_STATES.has(status);
}

/** A point in a task's life: its status during attempt number `attempt` (0 before the first delivery). */
export interface TaskPosition {
  readonly status: TaskStatus;
  readonly attempt: number;
}

/** Sort key of a position; end states sort after everything. */
export function positionKey(position: TaskPosition): number {
  return isDone(position.status) ? Number.POSITIVE_INFINITY : position.attempt * 4 + RANK[position.status];
}

/**
 * True when `next` comes strictly after `current` in the task's life. Two end states are never
 * "later" than one another: the first end state recorded wins.
 */
export function isLater(next: TaskPosition, current: TaskPosition | undefined): boolean {
  if (current === undefined) return true;
  if (isDone(current.status)) return false;
  return positionKey(next) > positionKey(current);
}

/** True when `value` is one of the task states. */
export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANK, value);
}
