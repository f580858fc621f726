// The decoder's KV cache between runs, for the two decoder layouts (models/onnx/paligemma.ts header):
//  - AppendCache ('append', radraft graphs): one float32 buffer per layer and key/value, [capacity, kv_heads,
//    head_dim], filled in place. Each run reads the rows before it as views (onnxruntime-node reads input typed arrays
//    where they lie) and writes its own rows straight into the buffer (preallocated outputs), so no step copies the
//    cache. onnxruntime-node still returns a copy of each fetched output; for a decode step that is one row per layer.
//  - ConcatCache ('concat', onnx-community exports and radraft models built before the 'append' layout): the graph
//    returns past ++ new as `present`, fed back as the next `past_key_values`.
import { ort } from './ort';
import { APPEND_CACHE, type AttentionKind } from '../onnx/paligemma';

export type FloatType = 'float32' | 'float16';

export interface CacheShape {
  numLayers: number;
  kvHeads: number;
  headDim: number;
  /** Per layer: true for a sliding-window layer. */
  slidingLayers: boolean[];
  slidingWindow: number;
}

/** One decoder run over new tokens. */
export interface DecoderRun {
  /** New tokens in this run. */
  length: number;
  /** How many of the last positions get logits: 1, or every token of a run that verifies drafted tokens. */
  logits: number;
  /** The new tokens are generated ones, each seeing only those before it; else (the prompt) all see all. */
  causal: boolean;
}

/** What one decoder run needs besides inputs_embeds / position_ids, and what it returns for the cache. */
export interface KvCache {
  /** Tokens already in the cache (their positions are 1…past). */
  readonly past: number;
  /** Adds the cache inputs for a run; returns that run's fetches. */
  feeds(feeds: Record<string, ort.Tensor>, run: DecoderRun): ort.InferenceSession.FetchesType;
  /** Keeps the first `kept` of the run's new tokens (all of them, or those a verification accepted). */
  commit(out: ort.InferenceSession.OnnxValueMapType, kept: number): void;
}

export class SpeculationUnsupportedError extends Error {
  override name = 'SpeculationUnsupportedError';
}

export class AppendCache implements KvCache {
  private readonly keys: Float32Array[] = [];
  private readonly values: Float32Array[] = [];
  private readonly rowSize: number;
  private readonly kinds: AttentionKind[];
  /** The prefill's past: one zero row, masked by its attention bias (an empty past is not accepted). */
  private readonly dummy: ort.Tensor;
  past = 0;

  /** `capacity`: prompt + generated tokens this cache will hold. */
  constructor(
    private readonly shape: CacheShape,
    readonly capacity: number,
    private readonly choiceFetches: string[],
  ) {
    this.rowSize = shape.kvHeads * shape.headDim;
    for (let i = 0; i < shape.numLayers; i++) {
      this.keys.push(new Float32Array(capacity * this.rowSize));
      this.values.push(new Float32Array(capacity * this.rowSize));
    }
    this.kinds = [...new Set(shape.slidingLayers.map((s): AttentionKind => (s ? 'sliding' : 'full')))];
    this.dummy = new ort.Tensor('float32', new Float32Array(this.rowSize), [1, shape.kvHeads, 1, shape.headDim]);
  }

  /** Rows [start, end) of a layer's buffer as an [end − start, kv, 1, D] tensor over the same memory. */
  private rows(buffer: Float32Array, start: number, end: number): ort.Tensor {
    return new ort.Tensor('float32', buffer.subarray(start * this.rowSize, end * this.rowSize), [end - start, this.shape.kvHeads, 1, this.shape.headDim]);
  }

  /** First cached row a layer of this kind attends to: a sliding layer sees the last window − 1 before the new token. */
  private firstRow(kind: AttentionKind): number {
    return kind === 'sliding' ? Math.max(0, this.past - (this.shape.slidingWindow - 1)) : 0;
  }

  feeds(feeds: Record<string, ort.Tensor>, run: DecoderRun): ort.InferenceSession.FetchesType {
    const { length } = run;
    if (this.past + length > this.capacity) throw new RangeError(`KV cache holds ${this.capacity} tokens; ${this.past + length} requested`);
    const prefill = this.past === 0;
    for (const kind of this.kinds) feeds[APPEND_CACHE.bias(kind)] = this.bias(kind, run, prefill);
    feeds.num_logits = new ort.Tensor('int64', BigInt64Array.of(BigInt(run.logits)), [1]);
    const fetches: Record<string, ort.Tensor | null> = {};
    for (const name of this.choiceFetches) fetches[name] = null;
    for (let i = 0; i < this.shape.numLayers; i++) {
      const first = this.firstRow(this.shape.slidingLayers[i] ? 'sliding' : 'full');
      feeds[APPEND_CACHE.past(i, 'key')] = prefill ? this.dummy : this.rows(this.keys[i], first, this.past);
      feeds[APPEND_CACHE.past(i, 'value')] = prefill ? this.dummy : this.rows(this.values[i], first, this.past);
      fetches[APPEND_CACHE.added(i, 'key')] = this.rows(this.keys[i], this.past, this.past + length);
      fetches[APPEND_CACHE.added(i, 'value')] = this.rows(this.values[i], this.past, this.past + length);
    }
    return fetches;
  }

  /**
   * The attention bias of a run, per attention kind: [1, P + S] when every new token sees the same keys (the prefill:
   * the dummy past row masked; a one-token step: nothing masked), else [S, P + S] (generated tokens: each masks the
   * new tokens after it, and in a sliding layer the past keys that left its window).
   */
  private bias(kind: AttentionKind, run: DecoderRun, prefill: boolean): ort.Tensor {
    const first = this.firstRow(kind);
    const attended = prefill ? 1 : this.past - first;
    const cols = attended + run.length;
    const rows = run.causal && run.length > 1 ? run.length : 1;
    const bias = new Float32Array(rows * cols);
    for (let j = 0; j < rows; j++) {
      const row = bias.subarray(j * cols, (j + 1) * cols);
      if (prefill) row[0] = Number.NEGATIVE_INFINITY;
      if (rows === 1) continue;
      row.fill(Number.NEGATIVE_INFINITY, attended + j + 1);
      // Query j sits at position past + j; a sliding layer sees the last `window` keys up to and including it.
      if (kind === 'sliding' && !prefill) row.fill(Number.NEGATIVE_INFINITY, 0, Math.max(0, Math.min(attended, this.past + j - (this.shape.slidingWindow - 1) - first)));
    }
    return new ort.Tensor('float32', bias, [rows, cols]);
  }

  commit(_out: ort.InferenceSession.OnnxValueMapType, kept: number): void {
    // The run wrote its rows into the buffers (preallocated outputs); what it returned are copies. Rows past `kept`
    // (drafted tokens a verification rejected) are overwritten by the next run.
    this.past += kept;
  }
}

export class ConcatCache implements KvCache {
  past = 0;
  private readonly fetches: string[];

  constructor(
    private readonly shape: CacheShape,
    private readonly kvType: FloatType,
    choiceFetches: string[],
  ) {
    const presents = Array.from({ length: shape.numLayers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
    this.fetches = [...choiceFetches, ...presents];
  }

  private pending: ort.InferenceSession.OnnxValueMapType | null = null;

  feeds(feeds: Record<string, ort.Tensor>, run: DecoderRun): ort.InferenceSession.FetchesType {
    if (run.logits !== 1 || (run.causal && run.length > 1)) throw new SpeculationUnsupportedError('this model\'s decoder (past_key_values layout) cannot verify drafted tokens: re-import it with this version of radraft');
    const { numLayers, kvHeads, headDim } = this.shape;
    for (let i = 0; i < numLayers; i++) {
      for (const kv of ['key', 'value']) {
        const name = `past_key_values.${i}.${kv}`;
        feeds[name] = this.pending ? this.pending[`present.${i}.${kv}`] : new ort.Tensor(this.kvType, this.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, kvHeads, 0, headDim]);
      }
    }
    return this.fetches;
  }

  commit(out: ort.InferenceSession.OnnxValueMapType, kept: number): void {
    this.pending = out;
    this.past += kept;
  }
}
