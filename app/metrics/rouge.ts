// ROUGE-L exactly as coco-caption's Rouge (pycocoevalcap/rouge/rouge.py): longest common subsequence of tokens,
// precision and recall maxed over the references separately, F-measure with beta 1.2; the corpus value is the mean
// of the per-case values. Like the original (which splits on " "), an empty text counts as one empty token.

const BETA = 1.2;

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let prev = new Uint32Array(short.length + 1);
  let row = new Uint32Array(short.length + 1);
  for (let i = 1; i <= long.length; i++) {
    for (let j = 1; j <= short.length; j++) {
      row[j] = long[i - 1] === short[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    [prev, row] = [row, prev];
  }
  return prev[short.length];
}

const asSplit = (tokens: readonly string[]): readonly string[] => (tokens.length === 0 ? [''] : tokens);

export function rougeL(hypothesis: readonly string[], references: readonly (readonly string[])[]): number {
  if (references.length === 0) throw new RangeError('ROUGE-L needs at least one reference per case.');
  const hyp = asSplit(hypothesis);
  let precision = 0;
  let recall = 0;
  for (const reference of references) {
    const ref = asSplit(reference);
    const lcs = lcsLength(ref, hyp);
    precision = Math.max(precision, lcs / hyp.length);
    recall = Math.max(recall, lcs / ref.length);
  }
  if (precision === 0 || recall === 0) return 0;
  return ((1 + BETA ** 2) * precision * recall) / (recall + BETA ** 2 * precision);
}

export function meanRougeL(cases: readonly { hypothesis: readonly string[]; references: readonly (readonly string[])[] }[]): { corpus: number; perCase: number[] } {
  const perCase = cases.map((c) => rougeL(c.hypothesis, c.references));
  return { corpus: mean(perCase), perCase };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}
