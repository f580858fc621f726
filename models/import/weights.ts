// Where the graph builder gets its weights: a `WeightSource` maps canonical weight names to shapes and float32 data
// read on demand, so a checkpoint (or random weights for a synthetic model) is streamed one tensor at a time.
//
// Canonical names (independent of the checkpoint's layout):
//   text.embed_tokens.weight, text.layers.{i}.{input_layernorm,post_attention_layernorm,pre_feedforward_layernorm,
//   post_feedforward_layernorm}.weight, text.layers.{i}.self_attn.{q,k,v,o}_proj.weight,
//   text.layers.{i}.mlp.{gate,up,down}_proj.weight, text.norm.weight, [text.lm_head.weight when untied]
//   vision.embeddings.patch_embedding.{weight,bias}, vision.embeddings.position_embedding.weight,
//   vision.encoder.layers.{i}.{layer_norm1,layer_norm2}.{weight,bias},
//   vision.encoder.layers.{i}.self_attn.{q,k,v,out}_proj.{weight,bias}, vision.encoder.layers.{i}.mlp.{fc1,fc2}.{weight,bias},
//   vision.post_layernorm.{weight,bias}, projector.{weight,bias}
import type { PaliGemmaConfig } from '../config/paligemma';
import { SafetensorsCheckpoint, readTensorBytes, toFloat32, type TensorInfo } from '../safetensors/reader';

export class MissingWeightError extends Error {
  override name = 'MissingWeightError';
}

export interface WeightSource {
  /** Canonical names available. */
  names(): string[];
  /** Shape of a weight, or undefined when absent. */
  shape(name: string): number[] | undefined;
  /** The weight as float32, read (or generated) now; callers drop it when done. */
  read(name: string): Float32Array;
}

// Checkpoint prefixes → canonical prefixes, most specific first. Covers the hub layout of transformers 4.x
// (`language_model.model.*`, `vision_tower.vision_model.*`, `multi_modal_projector.linear.*`) and the 5.x layout
// (`model.language_model.*`, `model.vision_tower.*`, `model.multi_modal_projector.*`).
const PREFIXES: [string, string][] = [
  ['model.language_model.model.', 'text.'],
  ['model.language_model.', 'text.'],
  ['language_model.model.', 'text.'],
  ['language_model.lm_head.', 'text.lm_head.'],
  ['language_model.', 'text.'],
  ['lm_head.', 'text.lm_head.'],
  ['model.vision_tower.vision_model.', 'vision.'],
  ['model.vision_tower.', 'vision.'],
  ['vision_tower.vision_model.', 'vision.'],
  ['vision_tower.', 'vision.'],
  ['model.multi_modal_projector.linear.', 'projector.'],
  ['model.multi_modal_projector.', 'projector.'],
  ['multi_modal_projector.linear.', 'projector.'],
  ['multi_modal_projector.', 'projector.'],
];

export function canonicalWeightName(name: string): string | null {
  for (const [from, to] of PREFIXES) if (name.startsWith(from)) return to + name.slice(from.length);
  return null;
}

/** Every weight the builder reads, with its shape (lm_head excluded: tied). */
export function expectedWeights(cfg: PaliGemmaConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const t = cfg.text;
  const v = cfg.vision;
  m.set('text.embed_tokens.weight', [t.vocabSize, t.hiddenSize]);
  for (let i = 0; i < t.numLayers; i++) {
    const p = `text.layers.${i}.`;
    for (const n of ['input_layernorm', 'post_attention_layernorm', 'pre_feedforward_layernorm', 'post_feedforward_layernorm']) m.set(`${p}${n}.weight`, [t.hiddenSize]);
    m.set(`${p}self_attn.q_proj.weight`, [t.numHeads * t.headDim, t.hiddenSize]);
    m.set(`${p}self_attn.k_proj.weight`, [t.numKvHeads * t.headDim, t.hiddenSize]);
    m.set(`${p}self_attn.v_proj.weight`, [t.numKvHeads * t.headDim, t.hiddenSize]);
    m.set(`${p}self_attn.o_proj.weight`, [t.hiddenSize, t.numHeads * t.headDim]);
    m.set(`${p}mlp.gate_proj.weight`, [t.intermediateSize, t.hiddenSize]);
    m.set(`${p}mlp.up_proj.weight`, [t.intermediateSize, t.hiddenSize]);
    m.set(`${p}mlp.down_proj.weight`, [t.hiddenSize, t.intermediateSize]);
  }
  m.set('text.norm.weight', [t.hiddenSize]);
  m.set('vision.embeddings.patch_embedding.weight', [v.hiddenSize, v.numChannels, v.patchSize, v.patchSize]);
  m.set('vision.embeddings.patch_embedding.bias', [v.hiddenSize]);
  m.set('vision.embeddings.position_embedding.weight', [v.numPatches, v.hiddenSize]);
  for (let i = 0; i < v.numLayers; i++) {
    const p = `vision.encoder.layers.${i}.`;
    for (const n of ['layer_norm1', 'layer_norm2']) {
      m.set(`${p}${n}.weight`, [v.hiddenSize]);
      m.set(`${p}${n}.bias`, [v.hiddenSize]);
    }
    for (const n of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) {
      m.set(`${p}self_attn.${n}.weight`, [v.hiddenSize, v.hiddenSize]);
      m.set(`${p}self_attn.${n}.bias`, [v.hiddenSize]);
    }
    m.set(`${p}mlp.fc1.weight`, [v.intermediateSize, v.hiddenSize]);
    m.set(`${p}mlp.fc1.bias`, [v.intermediateSize]);
    m.set(`${p}mlp.fc2.weight`, [v.hiddenSize, v.intermediateSize]);
    m.set(`${p}mlp.fc2.bias`, [v.hiddenSize]);
  }
  m.set('vision.post_layernorm.weight', [v.hiddenSize]);
  m.set('vision.post_layernorm.bias', [v.hiddenSize]);
  m.set('projector.weight', [t.hiddenSize, v.hiddenSize]);
  m.set('projector.bias', [t.hiddenSize]);
  return m;
}

/** Checks that `source` has every weight `cfg` needs, with the right shape. */
export function checkWeights(source: WeightSource, cfg: PaliGemmaConfig): void {
  for (const [name, want] of expectedWeights(cfg)) {
    const got = source.shape(name);
    if (!got) throw new MissingWeightError(`the checkpoint has no weight for ${name}: is this a complete PaliGemma 2 checkpoint?`);
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new MissingWeightError(`weight ${name} has shape [${got.join(', ')}] but config.json implies [${want.join(', ')}]`);
    }
  }
}

/** A Hugging Face safetensors checkpoint folder as a WeightSource. */
export class CheckpointWeightSource implements WeightSource {
  private readonly byName = new Map<string, TensorInfo>();

  constructor(dir: string) {
    const ckpt = new SafetensorsCheckpoint(dir);
    for (const [name, info] of ckpt.tensors) {
      const canon = canonicalWeightName(name);
      if (canon) this.byName.set(canon, info);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  shape(name: string): number[] | undefined {
    return this.byName.get(name)?.shape;
  }

  /** Source dtype of a weight (F32, BF16, F16). */
  dtype(name: string): string | undefined {
    return this.byName.get(name)?.dtype;
  }

  read(name: string): Float32Array {
    const info = this.byName.get(name);
    if (!info) throw new MissingWeightError(`the checkpoint has no weight for ${name}`);
    return toFloat32(info, readTensorBytes(info));
  }
}
