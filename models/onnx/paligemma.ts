// ONNX graphs for PaliGemma 2, one method per subgraph in the manner of onnxruntime-genai's model builder.
// Semantics are those of transformers 5.x (PaliGemmaForConditionalGeneration with Gemma 2 and SigLIP):
//  - vision: patch Conv + learned positions, pre-LN encoder layers (LayerNorm eps from config), gelu-tanh MLP,
//    post-LN, no pooling head, then the linear projector. Output = projector output, unscaled (transformers divides
//    by sqrt(hidden) and the text model multiplies it back, so the features reach the decoder unscaled).
//  - embedding: Gather × sqrt(hidden) rounded to float32.
//  - decoder: Gemma 2 layers; RMSNorm x·rsqrt(mean(x²)+eps)·(1+w) in float32; pre/post attention and feed-forward
//    norms; grouped-query attention; scores × query_pre_attn_scalar^-0.5, then tanh soft-cap; half-split RoPE;
//    lm_head tied to the embedding; no final-logit soft-cap; logits for the last position only.
//    Attention has no causal mask: every query sees every key of (past ++ new). That is exactly transformers'
//    behaviour for the two calls generation makes: the prefill (no past, the whole prompt is one bidirectional
//    prefix) and one-token decode steps (causal by construction). A decode step of a sliding-window layer sees the
//    last `sliding_window` keys including its own, as transformers' DynamicSlidingWindowLayer keeps them.
//
// The decoder's KV cache comes in two layouts (BuildOptions.kvCache):
//  - 'append' (default): the engine owns the cache. Inputs `past.{i}.key|value` [P, kv_heads, 1, head_dim] are the
//    rotated keys / values of the tokens before this call that layer i attends to (oldest first; for a sliding layer
//    the last window−1 of them), passed as views of the engine's buffers (onnxruntime-node reads inputs in place);
//    outputs `new.{i}.key|value` [S, kv_heads, 1, head_dim] are the rows of this call only, which the engine appends.
//    (Batch 1; the axis of 1 is the query-group axis the attention products broadcast over, so the cache needs no
//    reshaping.)
//    Attention reads the past where it lies: scores against past and new keys are two products concatenated in
//    score space, so no step copies the cache (the earlier layout copied it twice per step: Concat in the graph,
//    and onnxruntime-node copying every `present` output into a new buffer). `attention_bias.{full|sliding}`
//    [1 or S, P + S] is added to the soft-capped scores of every query (one row) or of each query (S rows); 0 attends,
//    −inf masks. The prefill passes one masked zero row as its past, because onnxruntime's strided MatMul cannot take
//    an empty past; a run over several generated tokens masks the later ones causally. Batch size 1.
//  - 'concat': `past_key_values.{i}.key|value` [B, kv, P, D] in, `present.{i}.key|value` = past ++ new out (sliding
//    layers trimmed to the last window−1), the layout of onnx-community exports and of radraft models built before
//    the 'append' layout; kept so the engine's support for that layout stays tested.
import type { PaliGemmaConfig } from '../config/paligemma';
import type { WeightSource } from '../import/weights';
import { DataType, GraphBuilder, type InitializerSink } from './graph';
import { toFloat16Bytes, transpose2d } from './tensor-data';
import type { WeightDtype } from '../../app/domain/model';

export type { WeightDtype };

/** A [N, K] weight packed for com.microsoft MatMulNBits. */
export interface NBitsWeight {
  bits: 4 | 8;
  blockSize: number;
  /** uint8 [N, ceil(K / blockSize), blockSize * bits / 8]. */
  packed: Uint8Array;
  /** float32 [N, ceil(K / blockSize)]. */
  scales: Float32Array;
  /** Packed uint8 zero points, or undefined for the symmetric default (2^(bits−1)). */
  zeroPoints?: Uint8Array;
}

/** Packs a float32 row-major [N, K] weight (out × in, as nn.Linear stores it). */
export type NBitsQuantizer = (weight: Float32Array, n: number, k: number, bits: 4 | 8) => NBitsWeight;

export type KvCacheLayout = 'append' | 'concat';

export interface BuildOptions {
  dtype: WeightDtype;
  /** Decoder KV cache interface (see the header); default 'append'. */
  kvCache?: KvCacheLayout;
  /** MatMulNBits accuracy_level: 4 (default) lets MLAS compute with int8 activations (fastest on CPU); 0 keeps float. */
  accuracyLevel?: 0 | 1 | 4;
  /** Required for int8/int4. */
  quantizer?: NBitsQuantizer;
  /** Called after each weight is written (for progress reporting). */
  onWeight?: (name: string) => void;
}

const BIG = Number.MAX_SAFE_INTEGER;

/** Names of the RoPE cos/sin cache initializers. */
interface Rope {
  cos: string;
  sin: string;
}

/** The attention kinds of Gemma 2 layers, each with its own past length and attention bias in the 'append' layout. */
export type AttentionKind = 'full' | 'sliding';

/** Decoder I/O names of the 'append' layout (models/engine reads them from here). */
export const APPEND_CACHE = {
  past: (i: number, kv: 'key' | 'value'): string => `past.${i}.${kv}`,
  added: (i: number, kv: 'key' | 'value'): string => `new.${i}.${kv}`,
  bias: (kind: AttentionKind): string => `attention_bias.${kind}`,
};

function f32(x: number): number {
  return Math.fround(x);
}

export class PaliGemmaGraphBuilder {
  private g!: GraphBuilder;
  /** The tied embedding quantized once, for both the embedding graph and the lm_head. */
  private tiedQuant: NBitsWeight | null = null;

  constructor(
    private readonly cfg: PaliGemmaConfig,
    private readonly weights: WeightSource,
    private readonly opts: BuildOptions,
  ) {
    if ((opts.dtype === 'int8' || opts.dtype === 'int4') && !opts.quantizer) throw new Error(`dtype ${opts.dtype} needs a quantizer`);
  }

  private read(name: string): Float32Array {
    const data = this.weights.read(name);
    this.opts.onWeight?.(name);
    return data;
  }

  // ---- shared pieces ------------------------------------------------------------------------------------------

  /** A float weight initializer stored in the import dtype (fp16 is widened by a Cast that onnxruntime folds). */
  private makeFloatWeight(name: string, dims: number[], data: Float32Array): string {
    if (this.opts.dtype !== 'fp32') {
      const init = this.g.initializer(name, DataType.FLOAT16, dims, toFloat16Bytes(data));
      return this.g.op('Cast', `${name}/Cast`, [init], { to: DataType.FLOAT });
    }
    return this.g.floatTensor(name, dims, data);
  }

  private isQuantized(): boolean {
    return this.opts.dtype === 'int8' || this.opts.dtype === 'int4';
  }

  private quantize(w: Float32Array, n: number, k: number): NBitsWeight {
    if (w.length !== n * k) throw new Error(`quantize: weight holds ${w.length} values, expected ${n}×${k}`);
    return this.opts.quantizer!(w, n, k, this.opts.dtype === 'int8' ? 8 : 4);
  }

  private quantizedEmbedding(): NBitsWeight {
    const t = this.cfg.text;
    this.tiedQuant ??= this.quantize(this.read('text.embed_tokens.weight'), t.vocabSize, t.hiddenSize);
    return this.tiedQuant;
  }

  /** Reads one or several [n_i, K] weights stacked along the output axis (fused projections). */
  private readStacked(names: string[], k: number): Float32Array {
    if (names.length === 1) return this.read(names[0]);
    const parts = names.map((n) => this.read(n));
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      if (p.length % k !== 0) throw new Error(`weight stacking: a part has ${p.length} values, not a multiple of K=${k}`);
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /**
   * x @ W^T for nn.Linear weights W [N, K]; `basename` like /model/layers.0/attn/q_proj. Several weights (and biases)
   * are stacked into one wider MatMul, so q/k/v or gate/up read x once and run as one kernel.
   */
  makeMatMul(basename: string, x: string, weightNames: string | string[], n: number, k: number, biasNames?: string | string[], output?: string): string {
    const names = Array.isArray(weightNames) ? weightNames : [weightNames];
    const initName = basename.slice(1).replaceAll('/', '.') + '.weight';
    let y: string;
    if (this.isQuantized()) {
      const q = names.length === 1 && names[0] === 'text.embed_tokens.weight' ? this.quantizedEmbedding() : this.quantize(this.readStacked(names, k), n, k);
      const blocks = Math.ceil(k / q.blockSize);
      const b = this.g.initializer(`${initName}.quant`, DataType.UINT8, [n, blocks, (q.blockSize * q.bits) / 8], q.packed);
      const s = this.g.floatTensor(`${initName}.scales`, [n * blocks], q.scales);
      const inputs = [x, b, s];
      if (q.zeroPoints) inputs.push(this.g.initializer(`${initName}.zp`, DataType.UINT8, [q.zeroPoints.length], q.zeroPoints));
      y = this.g.op('MatMulNBits', `${basename}/MatMulNBits`, inputs, { K: k, N: n, bits: q.bits, block_size: q.blockSize, accuracy_level: this.opts.accuracyLevel ?? 4 }, { domain: 'com.microsoft', output: biasNames ? undefined : output });
    } else {
      const w = this.readStacked(names, k);
      if (w.length !== n * k) throw new Error(`${basename}: weights hold ${w.length} values, expected ${n}×${k}`);
      const wt = this.makeFloatWeight(initName, [k, n], transpose2d(w, n, k));
      y = this.g.op('MatMul', `${basename}/MatMul`, [x, wt], {}, { output: biasNames ? undefined : output });
    }
    if (biasNames) {
      const bData = this.readStacked(Array.isArray(biasNames) ? biasNames : [biasNames], 1);
      const b = this.g.floatTensor(initName.replace(/\.weight$/, '.bias'), [n], bData);
      y = this.g.op('Add', `${basename}/Add`, [y, b], {}, { output });
    }
    return y;
  }

  /** Splits the last axis of a fused projection into parts of the given widths. */
  makeSplit(basename: string, x: string, widths: number[]): string[] {
    return this.g.node('Split', `${basename}/Split`, [x, this.g.constI64(widths)], { axis: -1 }, { outputs: widths.length });
  }

  /** Gemma's RMSNorm scale (1 + w), computed once here in float32 (transformers computes it on every call). */
  private rmsNormScale(basename: string, weightName: string): string {
    const w = this.read(weightName);
    const onePlus = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) onePlus[i] = f32(1 + w[i]);
    return this.g.floatTensor(basename.slice(1).replaceAll('/', '.') + '.weight', [w.length], onePlus);
  }

  /**
   * Gemma RMSNorm in float32: x · rsqrt(mean(x²) + eps) · (1 + w), as onnxruntime's fused SimplifiedLayerNormalization
   * with the scale (1 + w) computed once here in float32 (what transformers computes on every call).
   */
  makeRmsNorm(basename: string, x: string, weightName: string): string {
    const scale = this.rmsNormScale(basename, weightName);
    return this.g.op('SimplifiedLayerNormalization', `${basename}/SimplifiedLayerNorm`, [x, scale], { axis: -1, epsilon: { float: f32(this.cfg.text.rmsNormEps) }, stash_type: 1 });
  }

  /** RMSNorm of x + skip, fused with the add: returns [norm(x + skip), x + skip]. */
  makeSkipRmsNorm(basename: string, x: string, skip: string, weightName: string): [string, string] {
    const scale = this.rmsNormScale(basename, weightName);
    const outs = this.g.node('SkipSimplifiedLayerNormalization', `${basename}/SkipSimplifiedLayerNorm`, [x, skip, scale], { epsilon: { float: f32(this.cfg.text.rmsNormEps) } }, { domain: 'com.microsoft', outputs: [`${basename}/SkipSimplifiedLayerNorm/output_0`, '', '', `${basename}/SkipSimplifiedLayerNorm/output_3`] });
    return [outs[0], outs[3]];
  }

  makeLayerNorm(basename: string, x: string, prefix: string, eps: number): string {
    const dim = this.cfg.vision.hiddenSize;
    const scale = this.g.floatTensor(`${prefix}.weight`, [dim], this.read(`${prefix}.weight`));
    const bias = this.g.floatTensor(`${prefix}.bias`, [dim], this.read(`${prefix}.bias`));
    return this.g.op('LayerNormalization', `${basename}/LayerNorm`, [x, scale, bias], { axis: -1, epsilon: { float: eps } });
  }

  /** gelu with the tanh approximation (torch gelu(approximate="tanh")): onnxruntime's FastGelu is that formula. */
  makeGeluTanh(basename: string, x: string): string {
    return this.g.op('FastGelu', `${basename}/FastGelu`, [x], {}, { domain: 'com.microsoft' });
  }

  // ---- vision encoder -----------------------------------------------------------------------------------------

  makeVisionEmbeddings(pixels: string): string {
    const v = this.cfg.vision;
    const base = '/vision/embeddings';
    const w = this.makeFloatWeight('vision.embeddings.patch_embedding.weight', [v.hiddenSize, v.numChannels, v.patchSize, v.patchSize], this.read('vision.embeddings.patch_embedding.weight'));
    const b = this.g.floatTensor('vision.embeddings.patch_embedding.bias', [v.hiddenSize], this.read('vision.embeddings.patch_embedding.bias'));
    const conv = this.g.op('Conv', `${base}/patch_embedding/Conv`, [pixels, w, b], { kernel_shape: [v.patchSize, v.patchSize], strides: [v.patchSize, v.patchSize], pads: [0, 0, 0, 0] });
    const flat = this.g.op('Reshape', `${base}/Reshape`, [conv, this.g.constI64([0, v.hiddenSize, -1])]);
    const seq = this.g.op('Transpose', `${base}/Transpose`, [flat], { perm: [0, 2, 1] });
    const pos = this.makeFloatWeight('vision.embeddings.position_embedding.weight', [v.numPatches, v.hiddenSize], this.read('vision.embeddings.position_embedding.weight'));
    return this.g.op('Add', `${base}/Add`, [seq, pos]);
  }

  makeVisionAttention(i: number, x: string): string {
    const v = this.cfg.vision;
    const base = `/vision/layers.${i}/attn`;
    const p = `vision.encoder.layers.${i}.self_attn`;
    const headDim = v.hiddenSize / v.numHeads;
    const proj = ['q_proj', 'k_proj', 'v_proj'];
    const qkv = this.makeMatMul(`${base}/qkv_proj`, x, proj.map((n) => `${p}.${n}.weight`), 3 * v.hiddenSize, v.hiddenSize, proj.map((n) => `${p}.${n}.bias`));
    const parts = this.makeSplit(`${base}/qkv_proj`, qkv, [v.hiddenSize, v.hiddenSize, v.hiddenSize]);
    // Bidirectional, unmasked, no soft-cap: onnxruntime's fused MultiHeadAttention computes softmax(q·kᵀ·d^-½)·v
    // without materialising the [heads, S, S] scores (4096² per head at 896 px).
    const merged = this.g.op('MultiHeadAttention', `${base}/MultiHeadAttention`, parts, { num_heads: v.numHeads, scale: { float: f32(headDim ** -0.5) } }, { domain: 'com.microsoft' });
    return this.makeMatMul(`${base}/out_proj`, merged, `${p}.out_proj.weight`, v.hiddenSize, v.hiddenSize, `${p}.out_proj.bias`);
  }

  makeVisionMlp(i: number, x: string): string {
    const v = this.cfg.vision;
    const base = `/vision/layers.${i}/mlp`;
    const p = `vision.encoder.layers.${i}.mlp`;
    const h = this.makeMatMul(`${base}/fc1`, x, `${p}.fc1.weight`, v.intermediateSize, v.hiddenSize, `${p}.fc1.bias`);
    const a = this.makeGeluTanh(`${base}/act`, h);
    return this.makeMatMul(`${base}/fc2`, a, `${p}.fc2.weight`, v.hiddenSize, v.intermediateSize, `${p}.fc2.bias`);
  }

  makeVisionLayer(i: number, x: string): string {
    const eps = this.cfg.vision.layerNormEps;
    const p = `vision.encoder.layers.${i}`;
    const n1 = this.makeLayerNorm(`/vision/layers.${i}/layer_norm1`, x, `${p}.layer_norm1`, eps);
    const a = this.makeVisionAttention(i, n1);
    const r1 = this.g.op('Add', `/vision/layers.${i}/residual_add/Add`, [x, a]);
    const n2 = this.makeLayerNorm(`/vision/layers.${i}/layer_norm2`, r1, `${p}.layer_norm2`, eps);
    const m = this.makeVisionMlp(i, n2);
    return this.g.op('Add', `/vision/layers.${i}/residual_add/Add_1`, [r1, m]);
  }

  /** pixel_values [B, 3, S, S] → image_features [B, image_seq_length, text hidden]. */
  buildVisionEncoder(sink: InitializerSink): GraphBuilder {
    const v = this.cfg.vision;
    this.g = new GraphBuilder('paligemma2_vision_encoder', sink);
    const pixels = this.g.input('pixel_values', DataType.FLOAT, ['batch', v.numChannels, v.imageSize, v.imageSize]);
    let h = this.makeVisionEmbeddings(pixels);
    for (let i = 0; i < v.numLayers; i++) h = this.makeVisionLayer(i, h);
    h = this.makeLayerNorm('/vision/post_layernorm', h, 'vision.post_layernorm', v.layerNormEps);
    const feats = this.makeMatMul('/multi_modal_projector/linear', h, 'projector.weight', this.cfg.text.hiddenSize, v.hiddenSize, 'projector.bias');
    this.g.op('Identity', '/multi_modal_projector/Identity', [feats], {}, { output: 'image_features' });
    this.g.output('image_features', DataType.FLOAT, ['batch', v.numPatches, this.cfg.text.hiddenSize]);
    return this.g;
  }

  // ---- token embedding ------------------------------------------------------------------------------------------

  /** Splits uint8 bytes (as float) into their 4-bit halves, low nibble first, along a new last axis → [..., 2n]. */
  private makeNibbles(basename: string, bytesAsFloat: string, outDims: number[]): string {
    const hi = this.g.op('Floor', `${basename}/Floor`, [this.g.op('Div', `${basename}/Div`, [bytesAsFloat, this.g.constF32([16])])]);
    const lo = this.g.op('Sub', `${basename}/Sub`, [bytesAsFloat, this.g.op('Mul', `${basename}/Mul`, [hi, this.g.constF32([16])])]);
    const pair = this.g.op('Concat', `${basename}/Concat`, [this.g.op('Unsqueeze', `${basename}/Unsqueeze`, [lo, this.g.constI64([-1])]), this.g.op('Unsqueeze', `${basename}/Unsqueeze_1`, [hi, this.g.constI64([-1])])], { axis: -1 });
    return this.g.op('Reshape', `${basename}/Reshape`, [pair, this.g.constI64(outDims)]);
  }

  /**
   * Rows of a MatMulNBits-packed [N, K] table for `ids`, dequantized exactly as MatMulNBits does ((code − zp)·scale):
   * the embedding then matches the tied lm_head and costs the int8/int4 size instead of fp16.
   */
  makeQuantizedGather(basename: string, ids: string, q: NBitsWeight): string {
    const t = this.cfg.text;
    const n = t.vocabSize;
    const k = t.hiddenSize;
    const blocks = Math.ceil(k / q.blockSize);
    const blob = (q.blockSize * q.bits) / 8;
    const b = this.g.initializer('model.embed_tokens.weight.quant', DataType.UINT8, [n, blocks, blob], q.packed);
    const sc = this.g.floatTensor('model.embed_tokens.weight.scales', [n, blocks], q.scales);
    const zpRow = (q.zeroPoints?.length ?? 0) / n;
    const codesU8 = this.g.op('Gather', `${basename}/codes/Gather`, [b, ids], { axis: 0 });
    const codesF = this.g.op('Cast', `${basename}/codes/Cast`, [codesU8], { to: DataType.FLOAT });
    const codes = q.bits === 8 ? codesF : this.makeNibbles(`${basename}/codes/unpack`, codesF, [0, 0, blocks, q.blockSize]);
    let zp: string;
    if (q.zeroPoints) {
      const z = this.g.initializer('model.embed_tokens.weight.zp', DataType.UINT8, [n, zpRow], q.zeroPoints);
      const zF = this.g.op('Cast', `${basename}/zp/Cast`, [this.g.op('Gather', `${basename}/zp/Gather`, [z, ids], { axis: 0 })], { to: DataType.FLOAT });
      const zAll = q.bits === 8 ? zF : this.makeNibbles(`${basename}/zp/unpack`, zF, [0, 0, 2 * zpRow]);
      const zBlocks = q.bits === 8 ? zAll : this.g.op('Slice', `${basename}/zp/Slice`, [zAll, this.g.constI64([0]), this.g.constI64([blocks]), this.g.constI64([2])]);
      zp = this.g.op('Unsqueeze', `${basename}/zp/Unsqueeze`, [zBlocks, this.g.constI64([-1])]);
    } else {
      zp = this.g.constF32([2 ** (q.bits - 1)]);
    }
    const scale = this.g.op('Unsqueeze', `${basename}/scales/Unsqueeze`, [this.g.op('Gather', `${basename}/scales/Gather`, [sc, ids], { axis: 0 }), this.g.constI64([-1])]);
    const w = this.g.op('Mul', `${basename}/dequant/Mul`, [this.g.op('Sub', `${basename}/dequant/Sub`, [codes, zp]), scale]);
    const flat = this.g.op('Reshape', `${basename}/dequant/Reshape`, [w, this.g.constI64([0, 0, blocks * q.blockSize])]);
    return blocks * q.blockSize === k ? flat : this.g.op('Slice', `${basename}/dequant/Slice`, [flat, this.g.constI64([0]), this.g.constI64([k]), this.g.constI64([2])]);
  }

  /** input_ids [B, S] → inputs_embeds [B, S, hidden] = embed(ids) × sqrt(hidden) (normaliser rounded to float32). */
  buildEmbedding(sink: InitializerSink): GraphBuilder {
    const t = this.cfg.text;
    this.g = new GraphBuilder('paligemma2_embed_tokens', sink);
    const ids = this.g.input('input_ids', DataType.INT64, ['batch', 'sequence_length']);
    let gathered: string;
    if (this.isQuantized()) {
      gathered = this.makeQuantizedGather('/model/embed_tokens', ids, this.quantizedEmbedding());
    } else if (this.opts.dtype === 'fp32') {
      const rows = this.g.floatTensor('model.embed_tokens.weight', [t.vocabSize, t.hiddenSize], this.read('text.embed_tokens.weight'));
      gathered = this.g.op('Gather', '/model/embed_tokens/Gather', [rows, ids], { axis: 0 });
    } else {
      // fp16 keeps the table in fp16 and widens only the gathered rows.
      const rows = this.g.initializer('model.embed_tokens.weight', DataType.FLOAT16, [t.vocabSize, t.hiddenSize], toFloat16Bytes(this.read('text.embed_tokens.weight')));
      const g16 = this.g.op('Gather', '/model/embed_tokens/Gather', [rows, ids], { axis: 0 });
      gathered = this.g.op('Cast', '/model/embed_tokens/Cast', [g16], { to: DataType.FLOAT });
    }
    this.g.op('Mul', '/model/embed_tokens/Mul', [gathered, this.g.constF32([f32(Math.sqrt(t.hiddenSize))])], {}, { output: 'inputs_embeds' });
    this.g.output('inputs_embeds', DataType.FLOAT, ['batch', 'sequence_length', t.hiddenSize]);
    return this.g;
  }

  // ---- decoder ----------------------------------------------------------------------------------------------------

  /**
   * cos/sin caches [max_position + 1, head_dim / 2] for com.microsoft RotaryEmbedding (half-split layout), computed
   * as transformers does in float32: inv_freq = 1 / θ^(2i/d), angle = position · inv_freq rounded to float32.
   */
  makeRotaryCaches(): Rope {
    const t = this.cfg.text;
    const half = t.headDim / 2;
    const rows = t.maxPositionEmbeddings + 1;
    const inv = new Float32Array(half);
    for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(Math.pow(f32(t.ropeTheta), f32(f32(2 * i) / t.headDim))));
    const cos = new Float32Array(rows * half);
    const sin = new Float32Array(rows * half);
    for (let p = 0; p < rows; p++) {
      for (let i = 0; i < half; i++) {
        const angle = f32(p * inv[i]);
        cos[p * half + i] = Math.cos(angle);
        sin[p * half + i] = Math.sin(angle);
      }
    }
    return { cos: this.g.floatTensor('model.rotary_emb.cos_cache', [rows, half], cos), sin: this.g.floatTensor('model.rotary_emb.sin_cache', [rows, half], sin) };
  }

  /** RoPE on [B, S, heads · head_dim] (rotate_half layout, not interleaved). */
  makeApplyRope(basename: string, x: string, positionIds: string, rope: Rope, numHeads: number): string {
    return this.g.op('RotaryEmbedding', `${basename}/RotaryEmbedding`, [x, positionIds, rope.cos, rope.sin], { interleaved: 0, num_heads: numHeads }, { domain: 'com.microsoft' });
  }

  /** q, k, v of layer i: the fused projection split, RoPE on q and k (as [B, S, heads·head_dim]). */
  private makeQkv(i: number, x: string, positionIds: string, rope: Rope): { q: string; k: string; v: string } {
    const t = this.cfg.text;
    const base = `/model/layers.${i}/attn`;
    const p = `text.layers.${i}.self_attn`;
    const qDim = t.numHeads * t.headDim;
    const kvDim = t.numKvHeads * t.headDim;
    const qkv = this.makeMatMul(`${base}/qkv_proj`, x, ['q_proj', 'k_proj', 'v_proj'].map((n) => `${p}.${n}.weight`), qDim + 2 * kvDim, t.hiddenSize);
    const [qf, kf, v] = this.makeSplit(`${base}/qkv_proj`, qkv, [qDim, kvDim, kvDim]);
    const q = this.makeApplyRope(`${base}/q_rotary`, qf, positionIds, rope, t.numHeads);
    const k = this.makeApplyRope(`${base}/k_rotary`, kf, positionIds, rope, t.numKvHeads);
    return { q, k, v };
  }

  /**
   * Scores → soft-capped scores: s × query_pre_attn_scalar^-½, then cap · tanh(s / cap), as transformers computes
   * them. When the scale is a power of two, s × scale is exact and one division by cap / scale rounds the same.
   */
  private makeSoftcap(base: string, scores: string): string {
    const t = this.cfg.text;
    const scale = f32(t.queryPreAttnScalar ** -0.5);
    const exactScale = Number.isInteger(Math.log2(scale));
    if (t.attnLogitSoftcap === null) return this.g.op('Mul', `${base}/Mul`, [scores, this.g.constF32([scale])]);
    const cap = f32(t.attnLogitSoftcap);
    const d = exactScale
      ? this.g.op('Div', `${base}/softcap/Div`, [scores, this.g.constF32([f32(cap / scale)])])
      : this.g.op('Div', `${base}/softcap/Div`, [this.g.op('Mul', `${base}/Mul`, [scores, this.g.constF32([scale])]), this.g.constF32([cap])]);
    const th = this.g.op('Tanh', `${base}/softcap/Tanh`, [d]);
    return this.g.op('Mul', `${base}/softcap/Mul`, [th, this.g.constF32([cap])]);
  }

  /**
   * 'append' layout attention (see the header), batch 1. Query heads h = kv·groups + j share key head kv, so with
   * q as [S, kv, groups, D] and keys as [P, kv, 1, D], FusedMatMul's transBatch flags address both where they lie
   * (strided GEMMs, no transposed copies) and broadcast the key head over its groups; at S = 1 each product is a
   * matrix-vector one that MLAS runs without packing the cache.
   */
  private makeAppendAttention(i: number, x: string, positionIds: string, rope: Rope, lengths: Record<AttentionKind, string>): string {
    const t = this.cfg.text;
    const base = `/model/layers.${i}/attn`;
    const p = `text.layers.${i}.self_attn`;
    const kind: AttentionKind = t.slidingLayers[i] ? 'sliding' : 'full';
    const groups = t.numHeads / t.numKvHeads;
    const { q, k, v } = this.makeQkv(i, x, positionIds, rope);
    const perHead = this.g.constI64([-1, t.numKvHeads, 1, t.headDim]);
    const q4 = this.g.op('Reshape', `${base}/q_group/Reshape`, [q, this.g.constI64([-1, t.numKvHeads, groups, t.headDim])]);
    const kNew = this.g.op('Reshape', `${base}/k_new/Reshape`, [k, perHead], {}, { output: APPEND_CACHE.added(i, 'key') });
    const vNew = this.g.op('Reshape', `${base}/v_new/Reshape`, [v, perHead], {}, { output: APPEND_CACHE.added(i, 'value') });
    const kPast = APPEND_CACHE.past(i, 'key');
    const vPast = APPEND_CACHE.past(i, 'value');
    const qk = { transA: 0, transB: 1, transBatchA: 1, transBatchB: 1, alpha: { float: 1 } };
    const ms = { domain: 'com.microsoft' };
    const sPast = this.g.op('FusedMatMul', `${base}/qk_past/FusedMatMul`, [q4, kPast], qk, ms);
    const sNew = this.g.op('FusedMatMul', `${base}/qk_new/FusedMatMul`, [q4, kNew], qk, ms);
    const scores = this.g.op('Concat', `${base}/scores/Concat`, [sPast, sNew], { axis: -1 });
    const capped = this.makeSoftcap(base, scores);
    const biased = this.g.op('Add', `${base}/bias/Add`, [capped, APPEND_CACHE.bias(kind)]);
    const probs = this.g.op('Softmax', `${base}/Softmax`, [biased], { axis: -1 });
    const [pPast, pNew] = this.g.node('Split', `${base}/probs/Split`, [probs, lengths[kind]], { axis: -1 }, { outputs: 2 });
    const pv = { transA: 0, transB: 0, transBatchA: 0, transBatchB: 1, alpha: { float: 1 } };
    const cPast = this.g.op('FusedMatMul', `${base}/pv_past/FusedMatMul`, [pPast, vPast], pv, ms);
    const cNew = this.g.op('FusedMatMul', `${base}/pv_new/FusedMatMul`, [pNew, vNew], pv, ms);
    const ctx = this.g.op('Add', `${base}/ctx/Add`, [cPast, cNew]);
    const tr = this.g.op('Transpose', `${base}/ctx/Transpose`, [ctx], { perm: [2, 0, 1, 3] });
    const merged = this.g.op('Reshape', `${base}/ctx/Reshape`, [tr, this.g.constI64([1, -1, t.numHeads * t.headDim])]);
    return this.makeMatMul(`${base}/o_proj`, merged, `${p}.o_proj.weight`, t.hiddenSize, t.numHeads * t.headDim);
  }

  /** 'concat' layout attention (see the header): past ++ new concatenated in the graph and returned as `present`. */
  private makeConcatAttention(i: number, x: string, positionIds: string, rope: Rope): string {
    const t = this.cfg.text;
    const base = `/model/layers.${i}/attn`;
    const p = `text.layers.${i}.self_attn`;
    const { q: qr, k: kr, v: vf } = this.makeQkv(i, x, positionIds, rope);
    const heads = (name: string, y: string, nHeads: number): string => {
      const r = this.g.op('Reshape', `${base}/${name}/Reshape`, [y, this.g.constI64([0, 0, nHeads, t.headDim])]);
      return this.g.op('Transpose', `${base}/${name}/Transpose`, [r], { perm: [0, 2, 1, 3] });
    };
    const q = heads('q_proj', qr, t.numHeads);
    const k = heads('k_proj', kr, t.numKvHeads);
    const v = heads('v_proj', vf, t.numKvHeads);
    // Full-attention layers output the concatenation itself as `present` (no copy); sliding layers trim it.
    const sliding = t.slidingLayers[i];
    const kAll = this.g.op('Concat', `${base}/k_cache/Concat`, [`past_key_values.${i}.key`, k], { axis: 2 }, sliding ? {} : { output: `present.${i}.key` });
    const vAll = this.g.op('Concat', `${base}/v_cache/Concat`, [`past_key_values.${i}.value`, v], { axis: 2 }, sliding ? {} : { output: `present.${i}.value` });
    if (sliding) {
      const keep = -(t.slidingWindow - 1);
      this.g.op('Slice', `${base}/k_cache/Slice`, [kAll, this.g.constI64([keep]), this.g.constI64([BIG]), this.g.constI64([2])], {}, { output: `present.${i}.key` });
      this.g.op('Slice', `${base}/v_cache/Slice`, [vAll, this.g.constI64([keep]), this.g.constI64([BIG]), this.g.constI64([2])], {}, { output: `present.${i}.value` });
    }
    // Grouped-query attention without repeating K/V: query heads h = kv·groups + j share kv head kv, so
    // [B, H, S, D] → [B, KV, groups·S, D] lines each group up with its key head.
    const qg = this.g.op('Reshape', `${base}/q_group/Reshape`, [q, this.g.constI64([0, t.numKvHeads, -1, t.headDim])]);
    const kt = this.g.op('Transpose', `${base}/k_cache/Transpose`, [kAll], { perm: [0, 1, 3, 2] });
    const scores = this.g.op('MatMul', `${base}/MatMul`, [qg, kt]);
    const s = this.makeSoftcap(base, scores);
    const probs = this.g.op('Softmax', `${base}/Softmax`, [s], { axis: -1 });
    const ctx = this.g.op('MatMul', `${base}/MatMul_1`, [probs, vAll]);
    const ctxHeads = this.g.op('Reshape', `${base}/ctx/Reshape`, [ctx, this.g.constI64([0, t.numHeads, -1, t.headDim])]);
    const tr = this.g.op('Transpose', `${base}/ctx/Transpose`, [ctxHeads], { perm: [0, 2, 1, 3] });
    const merged = this.g.op('Reshape', `${base}/ctx/Reshape_1`, [tr, this.g.constI64([0, 0, t.numHeads * t.headDim])]);
    return this.makeMatMul(`${base}/o_proj`, merged, `${p}.o_proj.weight`, t.hiddenSize, t.numHeads * t.headDim);
  }

  makeMlp(i: number, x: string): string {
    const t = this.cfg.text;
    const base = `/model/layers.${i}/mlp`;
    const p = `text.layers.${i}.mlp`;
    const gateUp = this.makeMatMul(`${base}/gate_up_proj`, x, [`${p}.gate_proj.weight`, `${p}.up_proj.weight`], 2 * t.intermediateSize, t.hiddenSize);
    const [gate, up] = this.makeSplit(`${base}/gate_up_proj`, gateUp, [t.intermediateSize, t.intermediateSize]);
    const act = this.makeGeluTanh(`${base}/act_fn`, gate);
    const prod = this.g.op('Mul', `${base}/Mul`, [act, up]);
    return this.makeMatMul(`${base}/down_proj`, prod, `${p}.down_proj.weight`, t.hiddenSize, t.intermediateSize);
  }

  /**
   * One Gemma 2 layer on the residual stream `resid` + `pending` (the previous layer's last output, not yet added):
   * each residual add is fused with the norm that reads its sum (SkipSimplifiedLayerNormalization, which also
   * returns the sum). Returns the new residual stream and this layer's pending output.
   */
  makeLayer(i: number, resid: string, pending: string | null, attend: (x: string) => string): { resid: string; pending: string } {
    const base = `/model/layers.${i}`;
    const p = `text.layers.${i}`;
    let n1: string;
    let r0 = resid;
    if (pending) [n1, r0] = this.makeSkipRmsNorm(`${base}/input_layernorm`, pending, resid, `${p}.input_layernorm.weight`);
    else n1 = this.makeRmsNorm(`${base}/input_layernorm`, resid, `${p}.input_layernorm.weight`);
    const a = attend(n1);
    const a2 = this.makeRmsNorm(`${base}/post_attention_layernorm`, a, `${p}.post_attention_layernorm.weight`);
    const [n2, r1] = this.makeSkipRmsNorm(`${base}/pre_feedforward_layernorm`, a2, r0, `${p}.pre_feedforward_layernorm.weight`);
    const m = this.makeMlp(i, n2);
    const m2 = this.makeRmsNorm(`${base}/post_feedforward_layernorm`, m, `${p}.post_feedforward_layernorm.weight`);
    return { resid: r1, pending: m2 };
  }

  /** Tied lm_head on the last position: `output` [B, 1, vocab]. */
  makeLmHead(x: string, output: string): string {
    const t = this.cfg.text;
    const name = this.weights.shape('text.lm_head.weight') ? 'text.lm_head.weight' : 'text.embed_tokens.weight';
    if (this.opts.dtype === 'int8' || this.opts.dtype === 'int4') {
      return this.makeMatMul('/lm_head', x, name, t.vocabSize, t.hiddenSize, undefined, output);
    }
    // Gemm with transB reads the [vocab, hidden] table as stored: no transposed copy of the largest weight.
    const w = this.makeFloatWeight('lm_head.weight', [t.vocabSize, t.hiddenSize], this.read(name));
    const flat = this.g.op('Reshape', '/lm_head/Reshape', [x, this.g.constI64([-1, t.hiddenSize])]);
    const y = this.g.op('Gemm', '/lm_head/Gemm', [flat, w], { transB: 1 });
    // [B, positions, vocab]: batch 1 with any number of positions ('append'), or one position per batch row.
    const shape = (this.opts.kvCache ?? 'append') === 'append' ? [1, -1, t.vocabSize] : [-1, 1, t.vocabSize];
    return this.g.op('Reshape', '/lm_head/Reshape_1', [y, this.g.constI64(shape)], {}, { output });
  }

  /**
   * What greedy decoding needs from the logits, computed in the graph so the engine neither copies nor scans the
   * vocabulary: top5_logits / top5_ids (TopK breaks ties towards the lower index, as torch.argmax) and logsumexp
   * (the token's probability is exp(logit − logsumexp)).
   */
  makeTokenChoice(logits: string, batch: number | string = 'batch', positions: number | string = 1): void {
    this.g.node('TopK', '/sampling/TopK', [logits, this.g.constI64([5])], { axis: -1, largest: 1, sorted: 1 }, { outputs: ['top5_logits', 'top5_ids'] });
    // In two stages over rows of the vocabulary, so that onnxruntime spreads the first (all the exps) over its
    // threads: logsumexp(x) = logsumexp over rows of logsumexp(row), exact up to float rounding.
    const vocab = this.cfg.text.vocabSize;
    const rows = [64, 32, 16, 8].find((r) => vocab % r === 0 && vocab / r >= 256);
    const perRow = rows ? this.g.op('ReduceLogSumExp', '/sampling/rows/ReduceLogSumExp', [this.g.op('Reshape', '/sampling/rows/Reshape', [logits, this.g.constI64([0, 0, rows, vocab / rows])])], { axes: [-1], keepdims: 0 }) : logits;
    this.g.op('ReduceLogSumExp', '/sampling/ReduceLogSumExp', [perRow], { axes: [-1], keepdims: 0 }, { output: 'logsumexp' });
    this.g.output('top5_logits', DataType.FLOAT, [batch, positions, 5]);
    this.g.output('top5_ids', DataType.INT64, [batch, positions, 5]);
    this.g.output('logsumexp', DataType.FLOAT, [batch, positions]);
  }

  /**
   * inputs_embeds [B, S, hidden], position_ids [B, S] (from 1), the KV cache inputs of the layout (see the header),
   * num_logits [1] ('append') → logits [B, n, vocab] of the last n positions (n = num_logits, or 1),
   * top5_logits / top5_ids [B, n, 5], logsumexp [B, n], and the cache outputs.
   */
  buildDecoder(sink: InitializerSink): GraphBuilder {
    const t = this.cfg.text;
    const layout = this.opts.kvCache ?? 'append';
    this.g = new GraphBuilder('paligemma2_decoder', sink);
    const append = layout === 'append';
    const batch = append ? 1 : 'batch';
    const embeds = this.g.input('inputs_embeds', DataType.FLOAT, [batch, 'sequence_length', t.hiddenSize]);
    const pos = this.g.input('position_ids', DataType.INT64, [batch, 'sequence_length']);
    const kinds = [...new Set(t.slidingLayers.map((s): AttentionKind => (s ? 'sliding' : 'full')))];
    for (let i = 0; i < t.numLayers; i++) {
      for (const kv of ['key', 'value'] as const) {
        if (append) this.g.input(APPEND_CACHE.past(i, kv), DataType.FLOAT, [`past_sequence_length_${i}`, t.numKvHeads, 1, t.headDim]);
        else this.g.input(`past_key_values.${i}.${kv}`, DataType.FLOAT, ['batch', t.numKvHeads, `past_sequence_length_${i}`, t.headDim]);
      }
    }
    if (append) for (const kind of kinds) this.g.input(APPEND_CACHE.bias(kind), DataType.FLOAT, [`bias_rows_${kind}`, `attended_length_${kind}`]);
    const rope = this.makeRotaryCaches();
    let attend: (i: number) => (x: string) => string;
    if (append) {
      // Split sizes [P, S] of the probabilities, per attention kind: every layer of a kind gets the same past length.
      const seq = this.g.op('Shape', '/model/lengths/sequence/Shape', [embeds], { start: 1, end: 2 });
      const lengths = {} as Record<AttentionKind, string>;
      for (const kind of kinds) {
        const first = t.slidingLayers.findIndex((s) => s === (kind === 'sliding'));
        const past = this.g.op('Shape', `/model/lengths/${kind}/Shape`, [APPEND_CACHE.past(first, 'key')], { start: 0, end: 1 });
        lengths[kind] = this.g.op('Concat', `/model/lengths/${kind}/Concat`, [past, seq], { axis: 0 });
      }
      attend = (i) => (x) => this.makeAppendAttention(i, x, pos, rope, lengths);
    } else {
      attend = (i) => (x) => this.makeConcatAttention(i, x, pos, rope);
    }
    let state: { resid: string; pending: string | null } = { resid: embeds, pending: null };
    for (let i = 0; i < t.numLayers; i++) state = this.makeLayer(i, state.resid, state.pending, attend(i));
    // Logits for the last position, or ('append') for the last `num_logits` positions: a run that verifies k drafted
    // tokens needs the next-token choice after each of them.
    const starts = append ? this.g.op('Neg', '/model/last_tokens/Neg', [this.g.input('num_logits', DataType.INT64, [1])]) : this.g.constI64([-1]);
    const lastOf = (name: string, x: string): string => this.g.op('Slice', `/model/last_tokens/${name}/Slice`, [x, starts, this.g.constI64([BIG]), this.g.constI64([1])]);
    const residLast = lastOf('resid', state.resid);
    const normed = state.pending ? this.makeSkipRmsNorm('/model/norm', lastOf('pending', state.pending), residLast, 'text.norm.weight')[0] : this.makeRmsNorm('/model/norm', residLast, 'text.norm.weight');
    this.makeLmHead(normed, 'logits');
    const positions = append ? 'logit_positions' : 1;
    this.g.output('logits', DataType.FLOAT, [batch, positions, t.vocabSize]);
    this.makeTokenChoice('logits', batch, positions);
    for (let i = 0; i < t.numLayers; i++) {
      for (const kv of ['key', 'value'] as const) {
        if (append) this.g.output(APPEND_CACHE.added(i, kv), DataType.FLOAT, ['sequence_length', t.numKvHeads, 1, t.headDim]);
        else this.g.output(`present.${i}.${kv}`, DataType.FLOAT, ['batch', t.numKvHeads, `present_sequence_length_${i}`, t.headDim]);
      }
    }
    return this.g;
  }
}
