// Word-level difference between the AI draft and the final text, for the Changes view. Tokens are words and the
// whitespace/punctuation between them, so joining a diff's parts gives back either text exactly. The longest common
// subsequence of tokens decides what is kept; common prefix and suffix are peeled first so a typical review (a few
// words changed in a paragraph) costs almost nothing.

export type DiffOp = 'equal' | 'insert' | 'delete';

export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** Words (letters, digits, and inner apostrophes/hyphens/dots as in "don't", "x-ray", "3.5"), or single other chars. */
const TOKEN = /[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*|\s+|[^\s\p{L}\p{N}]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Above this many LCS cells the middle is reported as one replacement instead (keeps the UI responsive). */
const MAX_CELLS = 4_000_000;

export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  const push = (op: DiffOp, text: string) => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('equal', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_CELLS) {
    push('delete', midA.join(''));
    push('insert', midB.join(''));
  } else {
    for (const part of lcsDiff(midA, midB)) push(part.op, part.text);
  }
  push('equal', a.slice(endA).join(''));
  return tidy(parts);
}

function lcsDiff(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS length of a[i..] and b[j..], one flat array.
  const w = m + 1;
  const lengths = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * w + j] = a[i] === b[j] ? lengths[(i + 1) * w + j + 1] + 1 : Math.max(lengths[(i + 1) * w + j], lengths[i * w + j + 1]);
    }
  }
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'equal', text: a[i] });
      i++;
      j++;
    } else if (lengths[(i + 1) * w + j] >= lengths[i * w + j + 1]) {
      out.push({ op: 'delete', text: a[i++] });
    } else {
      out.push({ op: 'insert', text: b[j++] });
    }
  }
  while (i < n) out.push({ op: 'delete', text: a[i++] });
  while (j < m) out.push({ op: 'insert', text: b[j++] });
  return out;
}

/**
 * A lone whitespace kept "equal" between two changes reads badly ("[-mild-] [+moderate+]" twice over); fold it into
 * the surrounding change so a replaced phrase shows as one deletion and one insertion.
 */
function tidy(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const prev = out[out.length - 1];
    const next = parts[k + 1];
    if (p.op === 'equal' && /^\s+$/.test(p.text) && prev && prev.op !== 'equal' && next && next.op !== 'equal') {
      // Re-express as delete+insert of the whitespace, then merge neighbours of the same op.
      appendMerged(out, { op: 'delete', text: p.text });
      appendMerged(out, { op: 'insert', text: p.text });
      continue;
    }
    appendMerged(out, { ...p });
  }
  // Order each run of changes as all deletions then all insertions.
  const result: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) result.push({ op: 'delete', text: del });
    if (ins) result.push({ op: 'insert', text: ins });
    del = '';
    ins = '';
  };
  for (const p of out) {
    if (p.op === 'delete') del += p.text;
    else if (p.op === 'insert') ins += p.text;
    else {
      flush();
      result.push(p);
    }
  }
  flush();
  return result;
}

function appendMerged(list: DiffPart[], part: DiffPart): void {
  const last = list[list.length - 1];
  if (last && last.op === part.op) last.text += part.text;
  else list.push(part);
}

/** Counts of changed words, for a one-line summary ("3 words removed, 5 added"). */
export function diffStats(parts: readonly DiffPart[]): { inserted: number; deleted: number; unchanged: number } {
  const words = (t: string) => tokenize(t).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  let inserted = 0;
  let deleted = 0;
  let unchanged = 0;
  for (const p of parts) {
    if (p.op === 'insert') inserted += words(p.text);
    else if (p.op === 'delete') deleted += words(p.text);
    else unchanged += words(p.text);
  }
  return { inserted, deleted, unchanged };
}
