// Percentile bootstrap confidence intervals over cases: resample the cases with replacement, recompute the corpus
// statistic, take the 2.5th and 97.5th percentiles. Seeded, so the same run gives the same interval.
import { seededRandom } from '../random/seeded-random';

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Central coverage (default 0.95). */
  level?: number;
  seed?: number;
}

/** Linear interpolation between order statistics (numpy's default percentile). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Intervals for several statistics at once: every resample is drawn once and handed to `statistics`, which returns
 * one value per statistic (NaN where undefined on that resample; those are left out).
 */
export function bootstrapIntervals(caseCount: number, statistics: (indices: readonly number[]) => number[], options: BootstrapOptions = {}): Interval[] {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const random = seededRandom(options.seed ?? 1);
  if (caseCount === 0) return statistics([]).map(() => ({ low: Number.NaN, high: Number.NaN }));
  const draws: number[][] = [];
  const indices = new Array<number>(caseCount);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < caseCount; i++) indices[i] = Math.floor(random() * caseCount);
    statistics(indices).forEach((v, s) => {
      (draws[s] ??= []).push(v);
    });
  }
  const tail = (1 - level) / 2;
  return draws.map((values) => {
    const sorted = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
    return { low: percentile(sorted, tail), high: percentile(sorted, 1 - tail) };
  });
}
