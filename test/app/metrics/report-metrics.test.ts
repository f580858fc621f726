import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bleu, bleuCounts } from '../../../app/metrics/bleu';
import { ciderD } from '../../../app/metrics/cider';
import { lcsLength, rougeL } from '../../../app/metrics/rouge';
import { metricTokens } from '../../../app/metrics/tokenize';
import { textMetrics } from '../../../app/metrics/report-metrics';

interface GoldenCase {
  id: string;
  hypothesis: string;
  references: string[];
  tokens_hypothesis: string;
  tokens_references: string[];
  bleu_1_4: number[];
  rouge_l: number;
  cider_d: number;
}
const golden = JSON.parse(readFileSync(join(__dirname, '../../fixtures/metrics/report_metrics_cases.json'), 'utf8')) as {
  corpus: { bleu_1_4: number[]; rouge_l: number; cider_d: number };
  cases: GoldenCase[];
};

const close = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9);
};

describe('report metrics against the coco-caption scorers (golden values, 1e-9)', () => {
  it('tokenizes as the reference did', () => {
    for (const c of golden.cases) {
      expect(metricTokens(c.hypothesis).join(' ')).toBe(c.tokens_hypothesis);
      expect(c.references.map((r) => metricTokens(r).join(' '))).toEqual(c.tokens_references);
    }
  });

  const result = textMetrics(golden.cases.map((c) => ({ hypothesis: c.hypothesis, references: c.references })));

  it('reproduces corpus BLEU-1..4, ROUGE-L and CIDEr-D', () => {
    golden.corpus.bleu_1_4.forEach((v, k) => close(result.corpus.bleu[k], v));
    close(result.corpus.rougeL, golden.corpus.rouge_l);
    close(result.corpus.ciderD, golden.corpus.cider_d);
  });

  it.each(golden.cases.map((c, i) => [c.id, i] as const))('reproduces every per-case value of %s', (_id, i) => {
    const c = golden.cases[i];
    c.bleu_1_4.forEach((v, k) => close(result.perCase[i].bleu[k], v));
    close(result.perCase[i].rougeL, c.rouge_l);
    close(result.perCase[i].ciderD, c.cider_d);
  });
});

describe('metric details', () => {
  const t = (s: string): string[] => s.split(' ');

  it('BLEU takes the closest reference length, the shorter one on a tie', () => {
    expect(bleuCounts(t('a b c d'), [t('a b'), t('a b c d e f')]).refLength).toBe(2);
    expect(bleuCounts(t('a b c d'), [t('a b c'), t('a b c d e')]).refLength).toBe(3);
    expect(bleuCounts(t('a b c d'), [t('a b c d e f g'), t('a b c d e')]).refLength).toBe(5);
  });

  it('BLEU clips repeated n-grams at the most any one reference has', () => {
    const c = bleuCounts(t('the the the the'), [t('the cat'), t('the the dog')]);
    expect(c.correct[0]).toBe(2);
    expect(c.guess).toEqual([4, 3, 2, 1]);
  });

  it('BLEU of an empty hypothesis is ~0, not NaN', () => {
    const { corpus } = bleu([{ hypothesis: [], references: [t('a b')] }]);
    for (const v of corpus) expect(v).toBeLessThan(1e-5);
  });

  it('ROUGE-L: LCS and beta 1.2 F-measure', () => {
    expect(lcsLength(t('a b c d e'), t('a c e x'))).toBe(3);
    const p = 3 / 4;
    const r = 3 / 5;
    expect(rougeL(t('a c e x'), [t('a b c d e')])).toBeCloseTo(((1 + 1.44) * p * r) / (r + 1.44 * p), 14);
    expect(rougeL([], [t('a')])).toBe(0);
  });

  it('CIDEr-D: 10 for a copy when the n-grams are rare, 0 for nothing in common, orders without n-grams count 0', () => {
    const { perCase } = ciderD([
      { hypothesis: t('small left pleural effusion'), references: [t('small left pleural effusion')] },
      { hypothesis: t('x y z'), references: [t('heart normal')] },
      { hypothesis: t('no pneumothorax seen'), references: [t('no pneumothorax seen')] },
    ]);
    expect(perCase[0]).toBeCloseTo(10, 12);
    expect(perCase[1]).toBe(0);
    // Three tokens have no 4-gram: that order contributes 0 to the mean over orders, as in the original.
    expect(perCase[2]).toBeCloseTo(7.5, 12);
  });

  it('CIDEr-D penalises a length difference with a gaussian of sigma 6 on bigram counts', () => {
    const base = t('a b c d');
    const longer = [...base, ...t('q r s t u v w')];
    const cases = [
      { hypothesis: longer, references: [base] },
      { hypothesis: t('e f'), references: [t('g h')] },
    ];
    const score = ciderD(cases).perCase[0];
    // Every n-gram of the reference is in the hypothesis, so the clipped cosine is the reference's share of the
    // hypothesis norm per order; the length penalty uses bigram counts 10 and 3.
    expect(score).toBeLessThan(10 * Math.exp(-(7 * 7) / 72) + 1e-12);
    expect(score).toBeGreaterThan(0);
  });
});
