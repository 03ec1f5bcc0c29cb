import { benchStats } from '../../../apps/test/stats';

describe('benchStats', () => {
  it('should compute min, median (odd and even), nearest-rank p99, mean and max', () => {
    expect(benchStats([3, 1, 2])).toEqual({ runs: 3, min: 1, median: 2, p99: 3, mean: 2, max: 3 });
    expect(benchStats([4, 1, 3, 2]).median).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(benchStats(hundred).p99).toBe(99);
    expect(benchStats([7])).toEqual({ runs: 1, min: 7, median: 7, p99: 7, mean: 7, max: 7 });
  });

  it('should refuse an empty list', () => {
    expect(() => benchStats([])).toThrow(RangeError);
  });
});
