// The parts of a Hugging Face PaliGemma (2) config.json the engine needs, with transformers' defaults where a field
// may be absent. Validation errors name the field so that a user can see which checkpoint is not supported.

export class UnsupportedArchitectureError extends Error {
  override name = 'UnsupportedArchitectureError';
}

export interface VisionConfig {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  imageSize: number;
  patchSize: number;
  numChannels: number;
  layerNormEps: number;
  /** Number of patches = image tokens. */
  numPatches: number;
}

export interface TextConfig {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  queryPreAttnScalar: number;
  attnLogitSoftcap: number | null;
  slidingWindow: number;
  /** Per layer: true when the layer uses sliding-window attention. */
  slidingLayers: boolean[];
  maxPositionEmbeddings: number;
}

export interface PaliGemmaConfig {
  vision: VisionConfig;
  text: TextConfig;
  imageTokenId: number;
  imageSeqLength: number;
  bosTokenId: number;
  eosTokenIds: number[];
  padTokenId: number;
  projectionDim: number;
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UnsupportedArchitectureError(`config.json: ${what} is missing`);
  return v as Json;
}

function num(o: Json, key: string, where: string, fallback?: number): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new UnsupportedArchitectureError(`config.json: ${where}.${key} is missing`);
  }
  throw new UnsupportedArchitectureError(`config.json: ${where}.${key} must be a number`);
}

const SUPPORTED_ACT = new Set(['gelu_pytorch_tanh', 'gelu_fast', 'gelu_new']);

export function parsePaliGemmaConfig(json: unknown): PaliGemmaConfig {
  const root = obj(json, 'the top-level object');
  const archs = Array.isArray(root.architectures) ? (root.architectures as string[]) : [];
  if (root.model_type !== 'paligemma' && !archs.includes('PaliGemmaForConditionalGeneration')) {
    throw new UnsupportedArchitectureError(
      `unsupported architecture ${JSON.stringify(archs[0] ?? root.model_type ?? 'unknown')}: radraft runs PaliGemma 2 (model_type "paligemma", text model gemma2)`,
    );
  }
  const t = obj(root.text_config, 'text_config');
  const v = obj(root.vision_config, 'vision_config');
  if (t.model_type !== undefined && t.model_type !== 'gemma2') {
    throw new UnsupportedArchitectureError(
      `unsupported text model ${JSON.stringify(t.model_type)}: radraft runs PaliGemma 2, whose text model is gemma2 (PaliGemma 1 uses gemma)`,
    );
  }
  if (v.model_type !== undefined && v.model_type !== 'siglip_vision_model') {
    throw new UnsupportedArchitectureError(`unsupported vision model ${JSON.stringify(v.model_type)}: expected siglip_vision_model`);
  }
  for (const [o, key, where] of [[t, 'hidden_activation', 'text_config'], [v, 'hidden_act', 'vision_config']] as const) {
    const act = o[key] ?? 'gelu_pytorch_tanh';
    if (typeof act !== 'string' || !SUPPORTED_ACT.has(act)) throw new UnsupportedArchitectureError(`config.json: ${where}.${key} ${String(act)} is not supported (gelu_pytorch_tanh expected)`);
  }
  if (v.vision_use_head === true) throw new UnsupportedArchitectureError('config.json: vision_config.vision_use_head must be false for PaliGemma');
  if (t.attention_bias === true) throw new UnsupportedArchitectureError('config.json: text_config.attention_bias is not supported');

  const imageSize = num(v, 'image_size', 'vision_config', 224);
  const patchSize = num(v, 'patch_size', 'vision_config', 14);
  if (imageSize % patchSize !== 0) throw new UnsupportedArchitectureError('config.json: vision image_size must be a multiple of patch_size');
  const numPatches = (imageSize / patchSize) ** 2;
  const vision: VisionConfig = {
    hiddenSize: num(v, 'hidden_size', 'vision_config', 1152),
    intermediateSize: num(v, 'intermediate_size', 'vision_config', 4304),
    numLayers: num(v, 'num_hidden_layers', 'vision_config', 27),
    numHeads: num(v, 'num_attention_heads', 'vision_config', 16),
    imageSize,
    patchSize,
    numChannels: num(v, 'num_channels', 'vision_config', 3),
    layerNormEps: num(v, 'layer_norm_eps', 'vision_config', 1e-6),
    numPatches,
  };

  // Defaults are transformers' Gemma2Config defaults (Gemma 2 2B): hub configs such as paligemma2-3b-pt-224 omit them.
  const numLayers = num(t, 'num_hidden_layers', 'text_config', 26);
  const numHeads = num(t, 'num_attention_heads', 'text_config', 8);
  const hiddenSize = num(t, 'hidden_size', 'text_config', 2304);
  const headDim = num(t, 'head_dim', 'text_config', 256);
  const rope = (t.rope_parameters ?? t.rope_scaling ?? null) as Json | null;
  if (rope && rope.rope_type !== undefined && rope.rope_type !== 'default') {
    throw new UnsupportedArchitectureError(`config.json: rope type ${String(rope.rope_type)} is not supported (default expected)`);
  }
  const ropeTheta = rope && typeof rope.rope_theta === 'number' ? rope.rope_theta : num(t, 'rope_theta', 'text_config', 10000);
  let slidingLayers: boolean[];
  if (Array.isArray(t.layer_types)) {
    slidingLayers = (t.layer_types as string[]).map((s) => s === 'sliding_attention');
    if (slidingLayers.length !== numLayers) throw new UnsupportedArchitectureError('config.json: text_config.layer_types has the wrong length');
  } else {
    // Gemma 2's default pattern: even layers slide.
    slidingLayers = Array.from({ length: numLayers }, (_, i) => i % 2 === 0);
  }
  // Absent means Gemma2Config's 50.0; an explicit null switches soft-capping off.
  const softcap = t.attn_logit_softcapping === undefined ? 50.0 : t.attn_logit_softcapping;
  const text: TextConfig = {
    hiddenSize,
    intermediateSize: num(t, 'intermediate_size', 'text_config', 9216),
    numLayers,
    numHeads,
    numKvHeads: num(t, 'num_key_value_heads', 'text_config', 4),
    headDim,
    vocabSize: num(t, 'vocab_size', 'text_config', num(root, 'vocab_size', 'config', 257216)),
    rmsNormEps: num(t, 'rms_norm_eps', 'text_config', 1e-6),
    ropeTheta,
    queryPreAttnScalar: num(t, 'query_pre_attn_scalar', 'text_config', 256),
    attnLogitSoftcap: typeof softcap === 'number' ? softcap : null,
    slidingWindow: num(t, 'sliding_window', 'text_config', 4096),
    slidingLayers,
    maxPositionEmbeddings: num(t, 'max_position_embeddings', 'text_config', 8192),
  };
  if (numHeads % text.numKvHeads !== 0) throw new UnsupportedArchitectureError('config.json: num_attention_heads must be a multiple of num_key_value_heads');
  const eos = t.eos_token_id ?? root.eos_token_id ?? 1;
  const imageSeqLength = num(t, 'num_image_tokens', 'text_config', numPatches);
  if (imageSeqLength !== numPatches) throw new UnsupportedArchitectureError(`config.json: num_image_tokens ${imageSeqLength} does not match (image_size / patch_size)^2 = ${numPatches}`);
  return {
    vision,
    text,
    imageTokenId: num(root, 'image_token_index', 'config', num(root, 'image_token_id', 'config', 257152)),
    imageSeqLength,
    bosTokenId: num(t, 'bos_token_id', 'text_config', num(root, 'bos_token_id', 'config', 2)),
    eosTokenIds: Array.isArray(eos) ? (eos as number[]) : [eos as number],
    padTokenId: num(t, 'pad_token_id', 'text_config', num(root, 'pad_token_id', 'config', 0)),
    projectionDim: num(v, 'projection_dim', 'vision_config', num(root, 'projection_dim', 'config', hiddenSize)),
  };
}
