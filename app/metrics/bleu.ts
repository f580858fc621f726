// BLEU-1..4 exactly as coco-caption's BleuScorer (pycocoevalcap/bleu/bleu_scorer.py) with option 'closest':
// clipped n-gram matches against the per-n-gram maximum over the references, the reference length closest to the
// hypothesis length (the shorter one on ties), corpus-level counts summed over cases, 1e-15 / 1e-9 smoothing of every
// ratio, and the brevity penalty exp(1 − r/c) when the hypotheses are shorter. Per-case values are the scorer's own
// per-image list (same formula on one case's counts).
import { countNgrams, ngramOrder } from './ngrams';

const SMALL = 1e-9;
const TINY = 1e-15;

/** One case's counts: what corpus BLEU sums. */
export interface BleuCounts {
  testLength: number;
  refLength: number;
  /** Per order 1..n: n-grams in the hypothesis. */
  guess: number[];
  /** Per order 1..n: clipped matches. */
  correct: number[];
}

export function bleuCounts(hypothesis: readonly string[], references: readonly (readonly string[])[], n = 4): BleuCounts {
  if (references.length === 0) throw new RangeError('BLEU needs at least one reference per case.');
  const maxRef = new Map<string, number>();
  const refLengths: number[] = [];
  for (const ref of references) {
    refLengths.push(ref.length);
    for (const [key, count] of countNgrams(ref, n)) maxRef.set(key, Math.max(maxRef.get(key) ?? 0, count));
  }
  const testLength = hypothesis.length;
  // min((|l − c|, l)): closest length, the smaller one on a tie.
  let refLength = refLengths[0];
  for (const l of refLengths) {
    const d = Math.abs(l - testLength);
    const best = Math.abs(refLength - testLength);
    if (d < best || (d === best && l < refLength)) refLength = l;
  }
  const guess = Array.from({ length: n }, (_, k) => Math.max(0, testLength - k));
  const correct = new Array<number>(n).fill(0);
  for (const [key, count] of countNgrams(hypothesis, n)) correct[ngramOrder(key) - 1] += Math.min(maxRef.get(key) ?? 0, count);
  return { testLength, refLength, guess, correct };
}

/** BLEU-1..n from (summed) counts: cumulative geometric means of the smoothed precisions, with brevity penalty. */
export function bleuFromCounts(c: BleuCounts): number[] {
  const n = c.guess.length;
  const scores: number[] = [];
  let product = 1;
  for (let k = 0; k < n; k++) {
    product *= (c.correct[k] + TINY) / (c.guess[k] + SMALL);
    scores.push(product ** (1 / (k + 1)));
  }
  const ratio = (c.testLength + TINY) / (c.refLength + SMALL);
  if (ratio < 1) {
    const penalty = Math.exp(1 - 1 / ratio);
    for (let k = 0; k < n; k++) scores[k] *= penalty;
  }
  return scores;
}

export function sumBleuCounts(cases: readonly BleuCounts[], n = 4): BleuCounts {
  const total: BleuCounts = { testLength: 0, refLength: 0, guess: new Array<number>(n).fill(0), correct: new Array<number>(n).fill(0) };
  for (const c of cases) {
    total.testLength += c.testLength;
    total.refLength += c.refLength;
    for (let k = 0; k < n; k++) {
      total.guess[k] += c.guess[k];
      total.correct[k] += c.correct[k];
    }
  }
  return total;
}

export interface BleuScores {
  /** Corpus BLEU-1..n. */
  corpus: number[];
  /** Per case BLEU-1..n. */
  perCase: number[][];
}

export function bleu(cases: readonly { hypothesis: readonly string[]; references: readonly (readonly string[])[] }[], n = 4): BleuScores {
  const counts = cases.map((c) => bleuCounts(c.hypothesis, c.references, n));
  return { corpus: bleuFromCounts(sumBleuCounts(counts, n)), perCase: counts.map(bleuFromCounts) };
}
