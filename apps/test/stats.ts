/** Benchmark statistics of repeated runs (`--benchmark --repeat N`). */
import type { BenchStats } from './types';

/**
 * min, median, p99 (nearest rank), mean and max of `durations` (ms). Throws on an empty list:
 * a benchmark with no run has no statistics.
 */
export function benchStats(durations: readonly number[]): BenchStats {
  if (durations.length === 0) throw new RangeError('benchStats needs at least one duration');
  const sorted = [...durations].sort((a, b) => a - b);
  const n = sorted.length;
  const middle = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const rank = (p: number): number => sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1];
  const mean = sorted.reduce((sum, d) => sum + d, 0) / n;
  return { runs: n, min: sorted[0], median, p99: rank(99), mean, max: sorted[n - 1] };
}
