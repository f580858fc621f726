// n-gram counts as coco-caption's precook(): every n-gram of length 1..n of one token list, keyed by its words.

/** Key of an n-gram; tokens never contain a space (see metricTokens), so joining with one is unambiguous. */
export type NgramKey = string;

export function countNgrams(tokens: readonly string[], n: number): Map<NgramKey, number> {
  const counts = new Map<NgramKey, number>();
  for (let k = 1; k <= n; k++) {
    for (let i = 0; i + k <= tokens.length; i++) {
      const key = tokens.slice(i, i + k).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** Order (1..n) of an n-gram key. */
export function ngramOrder(key: NgramKey): number {
  let order = 1;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 32) order++;
  return order;
}
