// config.json as the hub ships it: PaliGemma 2 checkpoints omit most Gemma 2 fields, which then take
// transformers' Gemma2Config / SiglipVisionConfig defaults.
import { describe, expect, it } from 'vitest';
import { parsePaliGemmaConfig, UnsupportedArchitectureError } from '../../../models/engine/index';

// google/paligemma2-3b-pt-224/config.json (transformers 4.47 layout).
const hub3b224 = {
  _vocab_size: 257152,
  architectures: ['PaliGemmaForConditionalGeneration'],
  bos_token_id: 2,
  eos_token_id: 1,
  hidden_size: 2048,
  image_token_index: 257152,
  model_type: 'paligemma',
  pad_token_id: 0,
  projection_dim: 2304,
  text_config: {
    hidden_activation: 'gelu_pytorch_tanh',
    hidden_size: 2304,
    intermediate_size: 9216,
    model_type: 'gemma2',
    num_attention_heads: 8,
    num_hidden_layers: 26,
    num_image_tokens: 256,
    num_key_value_heads: 4,
    query_pre_attn_scalar: 256,
    sliding_window: 4096,
    torch_dtype: 'bfloat16',
    vocab_size: 257216,
  },
  torch_dtype: 'bfloat16',
  transformers_version: '4.47.0.dev0',
  vision_config: {
    hidden_size: 1152,
    intermediate_size: 4304,
    model_type: 'siglip_vision_model',
    num_attention_heads: 16,
    num_hidden_layers: 27,
    num_image_tokens: 256,
    num_positions: 256,
    patch_size: 14,
    projection_dim: 2304,
    torch_dtype: 'bfloat16',
    vision_use_head: false,
  },
};

describe('parsePaliGemmaConfig', () => {
  it('fills a hub config with Gemma 2 defaults (head_dim 256, soft-cap 50, even layers sliding)', () => {
    const c = parsePaliGemmaConfig(hub3b224);
    expect(c.text).toMatchObject({ headDim: 256, numHeads: 8, numKvHeads: 4, attnLogitSoftcap: 50, queryPreAttnScalar: 256, ropeTheta: 10000, rmsNormEps: 1e-6, maxPositionEmbeddings: 8192, vocabSize: 257216 });
    expect(c.text.slidingLayers.slice(0, 4)).toEqual([true, false, true, false]);
    expect(c.vision).toMatchObject({ imageSize: 224, patchSize: 14, numPatches: 256, layerNormEps: 1e-6, numLayers: 27 });
    expect(c).toMatchObject({ imageSeqLength: 256, imageTokenId: 257152, bosTokenId: 2, eosTokenIds: [1], padTokenId: 0 });
  });

  it('reads the 448 px variant and an explicit null soft-cap', () => {
    const c = parsePaliGemmaConfig({
      ...hub3b224,
      text_config: { ...hub3b224.text_config, num_image_tokens: 1024, attn_logit_softcapping: null },
      vision_config: { ...hub3b224.vision_config, image_size: 448, num_image_tokens: 1024 },
    });
    expect(c.imageSeqLength).toBe(1024);
    expect(c.text.attnLogitSoftcap).toBeNull();
  });

  it('names what is unsupported', () => {
    expect(() => parsePaliGemmaConfig({ ...hub3b224, text_config: { ...hub3b224.text_config, model_type: 'gemma' } })).toThrow(/PaliGemma 1 uses gemma/);
    expect(() => parsePaliGemmaConfig({ ...hub3b224, vision_config: { ...hub3b224.vision_config, vision_use_head: true } })).toThrow(UnsupportedArchitectureError);
    expect(() => parsePaliGemmaConfig({ ...hub3b224, text_config: { ...hub3b224.text_config, num_image_tokens: 1024 } })).toThrow(/num_image_tokens 1024 does not match/);
    expect(() => parsePaliGemmaConfig({ model_type: 'llava', architectures: ['LlavaForConditionalGeneration'] })).toThrow(/unsupported architecture "LlavaForConditionalGeneration"/);
  });
});
