// The text-overlap metrics report-generation papers quote, computed as the coco-caption scorers do (see bleu.ts,
// rouge.ts, cider.ts) on Radraft's metric tokenization (tokenize.ts).
import { bleu } from './bleu';
import { ciderD } from './cider';
import { meanRougeL } from './rouge';
import { metricTokens } from './tokenize';

export interface TextPair {
  hypothesis: string;
  /** One or more reference texts. */
  references: readonly string[];
}

export interface TokenPair {
  hypothesis: readonly string[];
  references: readonly (readonly string[])[];
}

export interface TextMetrics {
  /** BLEU-1..4. */
  bleu: number[];
  rougeL: number;
  ciderD: number;
}

export interface TextMetricsResult {
  corpus: TextMetrics;
  perCase: TextMetrics[];
}

export function tokenizePairs(pairs: readonly TextPair[]): TokenPair[] {
  return pairs.map((p) => ({ hypothesis: metricTokens(p.hypothesis), references: p.references.map(metricTokens) }));
}

/** Corpus and per-case BLEU-1..4, ROUGE-L and CIDEr-D of already tokenized pairs. */
export function textMetricsOfTokens(pairs: readonly TokenPair[]): TextMetricsResult {
  const b = bleu(pairs);
  const r = meanRougeL(pairs);
  const c = ciderD(pairs);
  return {
    corpus: { bleu: b.corpus, rougeL: r.corpus, ciderD: c.corpus },
    perCase: pairs.map((_, i) => ({ bleu: b.perCase[i], rougeL: r.perCase[i], ciderD: c.perCase[i] })),
  };
}

export function textMetrics(pairs: readonly TextPair[]): TextMetricsResult {
  return textMetricsOfTokens(tokenizePairs(pairs));
}
