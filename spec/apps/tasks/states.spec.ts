import { isDone, isLater, isTaskStatus, retryDelay, READY_STATES, STATUS_PRECEDENCE, TaskStatus } from 'rxpulsar/apps/tasks';

describe('task states', () => {
  it('should order positions by attempt, then state, with end states absorbing', () => {
    expect(isLater({ status: 'RECEIVED', attempt: 1 }, { status: 'PENDING', attempt: 0 })).toBe(true);
    expect(isLater({ status: 'STARTED', attempt: 1 }, { status: 'RECEIVED', attempt: 1 })).toBe(true);
    expect(isLater({ status: 'RECEIVED', attempt: 1 }, { status: 'STARTED', attempt: 1 })).toBe(false);
    expect(isLater({ status: 'RETRY', attempt: 1 }, { status: 'STARTED', attempt: 1 })).toBe(true);
    expect(isLater({ status: 'RECEIVED', attempt: 2 }, { status: 'RETRY', attempt: 1 })).toBe(true);
    expect(isLater({ status: 'STARTED', attempt: 1 }, { status: 'RETRY', attempt: 1 })).toBe(false);
    expect(isLater({ status: 'SUCCESS', attempt: 1 }, { status: 'STARTED', attempt: 3 })).toBe(true);
    expect(isLater({ status: 'FAILURE', attempt: 9 }, { status: 'SUCCESS', attempt: 1 })).toBe(false);
    expect(isLater({ status: 'PENDING', attempt: 0 }, undefined)).toBe(true);
    expect(isLater({ status: 'STARTED', attempt: 1 }, { status: 'STARTED', attempt: 1 })).toBe(false);
  });

  it('should expose pulsar\'s state sets and precedence codes', () => {
    expect([...READY_STATES].sort()).toEqual(['FAILURE', 'REVOKED', 'SUCCESS']);
    expect(isDone(TaskStatus.REVOKED)).toBe(true);
    expect(isDone(TaskStatus.RETRY)).toBe(false);
    expect(STATUS_PRECEDENCE.SUCCESS).toBeLessThan(STATUS_PRECEDENCE.PENDING);
    expect(isTaskStatus('STARTED')).toBe(true);
    expect(isTaskStatus('toString')).toBe(false);
  });
});

describe('retryDelay', () => {
  const options = { retry_delay: 100, retry_backoff: 3, retry_max_delay: 1000, retry_jitter: false };
  it('should grow exponentially up to the cap', () => {
    expect([0, 1, 2, 3].map((n) => retryDelay(n, options))).toEqual([100, 300, 900, 1000]);
  });
  it('should draw a full jitter from the injected random source', () => {
    expect(retryDelay(1, { ...options, retry_jitter: true }, () => 0.25)).toBe(75);
    expect(retryDelay(1, { ...options, retry_jitter: true }, () => 0)).toBe(0);
  });
});
