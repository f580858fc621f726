// Which words of an AI-written section to tint: those containing a token the model sampled with low probability.

export interface Span {
  start: number;
  end: number;
  probability: number;
}

export interface Range {
  start: number;
  end: number;
}

/**
 * Ranges of `section` (a verbatim piece of the generated `text`) covering every word that holds a token with
 * probability below `threshold`. Null when the section is not found in the text (it was edited).
 */
export function lowConfidenceRanges(section: string, text: string, spans: readonly Span[], threshold: number): Range[] | null {
  if (section === '') return [];
  const offset = text.indexOf(section);
  if (offset < 0) return null;
  const end = offset + section.length;
  const ranges: Range[] = [];
  for (const s of spans) {
    if (s.probability >= threshold || s.end <= offset || s.start >= end) continue;
    let a = Math.max(s.start, offset) - offset;
    let b = Math.min(s.end, end) - offset;
    // Skip the token's leading/trailing spaces, then grow to whole words.
    while (a < b && /\s/.test(section[a])) a++;
    while (b > a && /\s/.test(section[b - 1])) b--;
    if (a >= b) continue;
    while (a > 0 && !/\s/.test(section[a - 1])) a--;
    while (b < section.length && !/\s/.test(section[b])) b++;
    ranges.push({ start: a, end: b });
  }
  ranges.sort((p, q) => p.start - q.start);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** The section cut into plain and low-confidence pieces, for drawing. */
export function segments(section: string, ranges: readonly Range[]): Array<{ text: string; low: boolean }> {
  const out: Array<{ text: string; low: boolean }> = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start > at) out.push({ text: section.slice(at, r.start), low: false });
    out.push({ text: section.slice(r.start, r.end), low: true });
    at = r.end;
  }
  if (at < section.length) out.push({ text: section.slice(at), low: false });
  return out;
}
