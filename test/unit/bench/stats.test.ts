import { describe, expect, it } from 'vitest';
import { latencySummary, median, percentile } from '../../../bench/runner/stats.js';

describe('bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises latencies whatever their order', () => {
    const summary = latencySummary([30, 10, 20, 1000, 40]);
    expect(summary).toEqual({ p50: 30, p95: 1000, p99: 1000, max: 1000, count: 5 });
  });

  it('takes the lower middle as the median of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});
