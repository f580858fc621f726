// Scores an evaluation: text-overlap metrics (coco-caption definitions), CheXpert agreement of generated vs reference
// labels, percentile-bootstrap intervals over cases, latency figures, and the cases that went worst.
import { agreement, CLASSES, type ObservationAgreement } from '../chexpert/agreement';
import { labelReport } from '../chexpert/labeler';
import { OBSERVATIONS, type ObservationLabels } from '../chexpert/observations';
import { bleuCounts, bleuFromCounts, sumBleuCounts, type BleuCounts } from '../metrics/bleu';
import { bootstrapIntervals, percentile, type Interval } from '../metrics/bootstrap';
import { textMetricsOfTokens, tokenizePairs, type TextMetrics } from '../metrics/report-metrics';

export interface CaseToScore {
  id: string;
  /** Reference findings + impression (scoredText). */
  reference: string;
  /** Draft findings + impression (scoredText). */
  draft: string;
}

export interface ScoredCase {
  id: string;
  metrics: TextMetrics;
  labels: { reference: ObservationLabels; generated: ObservationLabels };
  /** Observations positive in one report and not in the other. */
  disagreements: string[];
}

export interface MetricWithInterval {
  value: number | null;
  interval: Interval | null;
}

export interface EvalMetrics {
  bleu: MetricWithInterval[];
  rougeL: MetricWithInterval;
  ciderD: MetricWithInterval;
  chexpertMicroF1: MetricWithInterval;
  chexpertMacroF1: MetricWithInterval;
  chexpertMicroF1Of5: MetricWithInterval;
  chexpertMacroF1Of5: MetricWithInterval;
}

export interface EvalScores {
  metrics: EvalMetrics;
  perObservation: ObservationAgreement[];
  cases: ScoredCase[];
  /** Ids of the worst cases, worst first: most CheXpert disagreements, then lowest ROUGE-L. */
  worst: string[];
}

export interface ScoreOptions {
  resamples?: number;
  seed?: number;
  worstCount?: number;
}

export function scoreCases(cases: readonly CaseToScore[], options: ScoreOptions = {}): EvalScores {
  const tokens = tokenizePairs(cases.map((c) => ({ hypothesis: c.draft, references: [c.reference] })));
  const text = textMetricsOfTokens(tokens);
  const counts: BleuCounts[] = tokens.map((t) => bleuCounts(t.hypothesis, t.references));
  const labels = cases.map((c) => ({ reference: labelReport(c.reference), generated: labelReport(c.draft) }));
  const chexpert = agreement(labels, CLASSES.positive);

  const scored: ScoredCase[] = cases.map((c, i) => ({
    id: c.id,
    metrics: text.perCase[i],
    labels: labels[i],
    disagreements: OBSERVATIONS.filter((o) => (labels[i].reference[o] === 'positive') !== (labels[i].generated[o] === 'positive')),
  }));

  // One resample feeds every statistic. CIDEr-D resamples per-case values (idf from the whole set): recomputing the
  // idf per resample would cost a full CIDEr-D run each time for a difference well inside the interval.
  const intervals = bootstrapIntervals(
    cases.length,
    (idx) => {
      const pick = <T>(xs: readonly T[]): T[] => idx.map((i) => xs[i]);
      const b = bleuFromCounts(sumBleuCounts(pick(counts)));
      const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
      const a = agreement(pick(labels), CLASSES.positive);
      const nan = (v: number | null): number => (v === null ? Number.NaN : v);
      return [...b, mean(pick(text.perCase).map((m) => m.rougeL)), mean(pick(text.perCase).map((m) => m.ciderD)), nan(a.micro.f1), nan(a.macroF1), nan(a.micro5.f1), nan(a.macroF1Of5)];
    },
    { resamples: options.resamples ?? 1000, seed: options.seed ?? 20261203 },
  );
  const withInterval = (value: number | null, k: number): MetricWithInterval => ({
    value,
    interval: value === null || Number.isNaN(intervals[k]?.low) ? null : intervals[k],
  });

  const worst = [...scored]
    .sort((a, b) => b.disagreements.length - a.disagreements.length || a.metrics.rougeL - b.metrics.rougeL || a.id.localeCompare(b.id))
    .slice(0, options.worstCount ?? 8)
    .map((c) => c.id);

  return {
    metrics: {
      bleu: text.corpus.bleu.map((v, k) => withInterval(v, k)),
      rougeL: withInterval(text.corpus.rougeL, 4),
      ciderD: withInterval(text.corpus.ciderD, 5),
      chexpertMicroF1: withInterval(chexpert.micro.f1, 6),
      chexpertMacroF1: withInterval(chexpert.macroF1, 7),
      chexpertMicroF1Of5: withInterval(chexpert.micro5.f1, 8),
      chexpertMacroF1Of5: withInterval(chexpert.macroF1Of5, 9),
    },
    perObservation: chexpert.perObservation,
    cases: scored,
    worst,
  };
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

export function latencySummary(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    count: n,
    meanMs: n === 0 ? 0 : sorted.reduce((s, v) => s + v, 0) / n,
    p50Ms: n === 0 ? 0 : percentile(sorted, 0.5),
    p90Ms: n === 0 ? 0 : percentile(sorted, 0.9),
    maxMs: n === 0 ? 0 : sorted[n - 1],
  };
}
