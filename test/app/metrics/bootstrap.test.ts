import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, percentile } from '../../../app/metrics/bootstrap';
import { seededRandom } from '../../../app/random/seeded-random';

describe('bootstrap intervals', () => {
  it('percentile interpolates as numpy does', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(percentile([5], 0.9)).toBe(5);
  });

  it('is reproducible for a seed and different for another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('covers the mean of a sample and narrows with more cases', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const mean = (idx: readonly number[]): number[] => [idx.reduce((s, i) => s + values[i], 0) / idx.length];
    const [wide] = bootstrapIntervals(20, mean, { seed: 3 });
    const [narrow] = bootstrapIntervals(200, mean, { seed: 3 });
    expect(narrow.low).toBeLessThan(0.45);
    expect(narrow.high).toBeGreaterThan(0.45);
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
    // Standard error of the mean of 200 values with sd ≈ 0.287 is ≈ 0.020: the 95% interval is ≈ ±0.04.
    expect(narrow.high - narrow.low).toBeGreaterThan(0.05);
    expect(narrow.high - narrow.low).toBeLessThan(0.11);
  });

  it('leaves out resamples where a statistic is undefined', () => {
    const [iv] = bootstrapIntervals(10, (idx) => [idx.includes(0) ? Number.NaN : 1], { resamples: 200 });
    expect(iv).toEqual({ low: 1, high: 1 });
  });
});
