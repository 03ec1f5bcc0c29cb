/**
 * Delay before retry number `retries + 1`: exponential (`retry_delay * retry_backoff^retries`,
 * capped at `retry_max_delay`) with optional "full jitter" — a uniform draw in [0, delay] — so
 * that tasks failing together (a database restart) do not come back together.
 * See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
import type { TaskRunOptions } from './types';

export function retryDelay(
  retries: number,
  options: Pick<TaskRunOptions, 'retry_backoff' | 'retry_delay' | 'retry_jitter' | 'retry_max_delay'>,
  random: () => number = Math.random,
): number {
  const exponential = options.retry_delay * Math.pow(Math.max(1, options.retry_backoff), retries);
  const capped = Math.min(options.retry_max_delay, exponential);
  return Math.round(options.retry_jitter ? random() * capped : capped);
}
