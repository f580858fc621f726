// Prompt-lookup drafting for lossless speculative decoding: radiology reports repeat themselves, so the tokens that
// followed the last n generated tokens somewhere in a corpus (report templates, the department's signed reports) or
// earlier in this very draft are a cheap guess at what the model writes next. The engine verifies a guess in one
// decoder run and keeps only what greedy decoding would have produced (models/engine/model.ts).
//
// Matching: the longest suffix of the context, n = maxN…minN tokens, found in the index; among its occurrences the
// draft follows the majority next token step by step (a frequency-weighted walk), so a phrase that most reports
// continue the same way is proposed that way. Occurrences in the current draft count as much as corpus ones.

export interface PromptLookupOptions {
  /** Longest n-gram matched (default 3). */
  maxN?: number;
  /** Shortest n-gram matched (default 2: a single common token predicts too little). */
  minN?: number;
  /** Occurrences kept per n-gram (the earliest ones; default 64). */
  maxOccurrences?: number;
}

interface Occurrence {
  /** The sequence it lies in; -1 for the context being generated. */
  seq: number;
  /** Index of the token that followed the n-gram. */
  next: number;
}

/** Exact integer key of up to 3 token ids below 2^18 (PaliGemma's 257 216 fit), or a string for anything else. */
function gramKey(ids: ArrayLike<number>, end: number, n: number): number | string {
  if (n <= 3) {
    let k = 0;
    let fits = true;
    for (let i = end - n; i < end; i++) {
      const id = ids[i];
      if (id < 0 || id >= 1 << 18) fits = false;
      k = k * (1 << 18) + id;
    }
    // n is implied: grams of different n live in different maps.
    if (fits) return k;
  }
  return Array.prototype.slice.call(ids, end - n, end).join(',');
}

export class PromptLookup {
  private readonly maxN: number;
  private readonly minN: number;
  private readonly maxOccurrences: number;
  /** index[n] : n-gram key → occurrences in the corpus. */
  private readonly index: Map<number | string, Occurrence[]>[] = [];

  constructor(
    private readonly corpus: number[][],
    opts: PromptLookupOptions = {},
  ) {
    this.maxN = opts.maxN ?? 3;
    this.minN = Math.max(1, opts.minN ?? 2);
    this.maxOccurrences = opts.maxOccurrences ?? 64;
    for (let n = 0; n <= this.maxN; n++) this.index.push(new Map());
    corpus.forEach((seq, s) => {
      for (let end = 1; end < seq.length; end++) this.add(this.index, seq, s, end);
    });
  }

  private add(index: Map<number | string, Occurrence[]>[], seq: ArrayLike<number>, s: number, end: number): void {
    for (let n = this.minN; n <= this.maxN && n <= end; n++) {
      const key = gramKey(seq, end, n);
      const list = index[n].get(key);
      if (!list) index[n].set(key, [{ seq: s, next: end }]);
      else if (list.length < this.maxOccurrences) list.push({ seq: s, next: end });
    }
  }

  /** A drafting session over one generation: the context grows token by token and is searched too. */
  session(): PromptLookupSession {
    return new PromptLookupSession(this, this.minN, this.maxN);
  }

  /** @internal */
  occurrences(n: number, key: number | string): Occurrence[] {
    return this.index[n].get(key) ?? [];
  }

  /** @internal */
  sequence(s: number): number[] {
    return this.corpus[s];
  }

  /** @internal */
  indexContext(index: Map<number | string, Occurrence[]>[], context: number[], end: number): void {
    this.add(index, context, -1, end);
  }
}

export class PromptLookupSession {
  private readonly context: number[] = [];
  private readonly own: Map<number | string, Occurrence[]>[] = [];

  constructor(
    private readonly lookup: PromptLookup,
    private readonly minN: number,
    private readonly maxN: number,
  ) {
    for (let n = 0; n <= maxN; n++) this.own.push(new Map());
  }

  /** Appends tokens the model produced (or the prompt text, to match against). */
  push(...ids: number[]): void {
    for (const id of ids) {
      this.context.push(id);
      // The gram ending just before this token now has a known continuation.
      if (this.context.length > 1) this.lookup.indexContext(this.own, this.context, this.context.length - 1);
    }
  }

  /** Up to k tokens that may follow the context. */
  draft(k: number): number[] {
    const ctx = this.context;
    for (let n = Math.min(this.maxN, ctx.length); n >= this.minN; n--) {
      const key = gramKey(ctx, ctx.length, n);
      const found = [...(this.own[n].get(key) ?? []), ...this.lookup.occurrences(n, key)];
      if (found.length) return this.walk(found, k);
    }
    return [];
  }

  private tokenAt(o: Occurrence, offset: number): number | undefined {
    const seq = o.seq < 0 ? this.context : this.lookup.sequence(o.seq);
    return seq[o.next + offset];
  }

  /** Follows the majority continuation of the occurrences, keeping those that agree with it. */
  private walk(found: Occurrence[], k: number): number[] {
    const out: number[] = [];
    let live = found;
    for (let offset = 0; out.length < k && live.length; offset++) {
      const votes = new Map<number, number>();
      let best = -1;
      let bestVotes = 0;
      for (const o of live) {
        const t = this.tokenAt(o, offset);
        if (t === undefined) continue;
        const v = (votes.get(t) ?? 0) + 1;
        votes.set(t, v);
        if (v > bestVotes) {
          best = t;
          bestVotes = v;
        }
      }
      if (best < 0) break;
      out.push(best);
      live = live.filter((o) => this.tokenAt(o, offset) === best);
    }
    return out;
  }
}
