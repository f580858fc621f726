// CIDEr-D exactly as coco-caption's CiderScorer (pycocoevalcap/cider/cider_scorer.py): tf-idf vectors of 1..4-grams
// with the document frequency counted over the references of the scored set (log(max(1, df)), ref_len = log(number of
// cases)), clipped cosine similarity per n-gram order, a gaussian length penalty (sigma 6) on the difference of the two
// texts' bigram counts (that is what the original's `length` counts), mean over orders and references, ×10.
// Per-case values therefore depend on the whole set, as in the original.
import { countNgrams, ngramOrder, type NgramKey } from './ngrams';

export interface CiderOptions {
  n?: number;
  sigma?: number;
}

interface Vector {
  /** Per order: n-gram → tf-idf weight. */
  weights: Map<NgramKey, number>[];
  norms: number[];
  length: number;
}

export function ciderD(
  cases: readonly { hypothesis: readonly string[]; references: readonly (readonly string[])[] }[],
  options: CiderOptions = {},
): { corpus: number; perCase: number[] } {
  const n = options.n ?? 4;
  const sigma = options.sigma ?? 6;
  if (cases.length === 0) return { corpus: 0, perCase: [] };
  const hypCounts = cases.map((c) => countNgrams(c.hypothesis, n));
  const refCounts = cases.map((c) => {
    if (c.references.length === 0) throw new RangeError('CIDEr-D needs at least one reference per case.');
    return c.references.map((r) => countNgrams(r, n));
  });

  const documentFrequency = new Map<NgramKey, number>();
  for (const refs of refCounts) {
    const seen = new Set<NgramKey>();
    for (const counts of refs) for (const key of counts.keys()) seen.add(key);
    for (const key of seen) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
  }
  const refLen = Math.log(cases.length);

  const vectorOf = (counts: Map<NgramKey, number>): Vector => {
    const weights = Array.from({ length: n }, () => new Map<NgramKey, number>());
    const squares = new Array<number>(n).fill(0);
    let length = 0;
    for (const [key, termFrequency] of counts) {
      const df = Math.log(Math.max(1, documentFrequency.get(key) ?? 0));
      const order = ngramOrder(key) - 1;
      const w = termFrequency * (refLen - df);
      weights[order].set(key, w);
      squares[order] += w * w;
      if (order === 1) length += termFrequency;
    }
    return { weights, norms: squares.map(Math.sqrt), length };
  };

  const similarity = (hyp: Vector, ref: Vector): number[] => {
    const delta = hyp.length - ref.length;
    const penalty = Math.exp(-(delta * delta) / (2 * sigma * sigma));
    return hyp.weights.map((weights, order) => {
      let value = 0;
      for (const [key, w] of weights) {
        const r = ref.weights[order].get(key) ?? 0;
        value += Math.min(w, r) * r;
      }
      if (hyp.norms[order] !== 0 && ref.norms[order] !== 0) value /= hyp.norms[order] * ref.norms[order];
      return value * penalty;
    });
  };

  const perCase = hypCounts.map((counts, i) => {
    const hyp = vectorOf(counts);
    const sums = new Array<number>(n).fill(0);
    for (const ref of refCounts[i]) {
      similarity(hyp, vectorOf(ref)).forEach((v, order) => (sums[order] += v));
    }
    const meanOverOrders = sums.reduce((s, v) => s + v, 0) / n;
    return (meanOverOrders / refCounts[i].length) * 10;
  });
  return { corpus: perCase.reduce((s, v) => s + v, 0) / perCase.length, perCase };
}
