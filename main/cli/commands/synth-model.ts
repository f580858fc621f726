// `radraft synth-model --config 3b-224|3b-448|3b-896|CONFIG_JSON --dtype fp32|fp16|int8|int4 --out DIR`
// A full-size PaliGemma 2 built from its published config alone, with random weights: for benchmarks (load time,
// speed, memory of the real architecture) where no checkpoint can be downloaded. Weights are drawn on demand, one
// tensor at a time, from a generator seeded by the weight's name, so the tied embedding reads the same twice and
// two builds are identical. The tokenizer is synthetic too (PaliGemma's special-token layout over filler words):
// the text such a model writes is noise, and its manifest says so.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliCommand } from '../command';
import { parseCliArgs } from '../cli-args';
import { expectedWeights, parsePaliGemmaConfig, writeModelFolder, type PaliGemmaConfig, type WeightSource } from '../../../models/engine/index';
import { WEIGHT_DTYPES, type WeightDtype } from '../../../app/domain/model';
import { linearNBitsQuantizer } from '../../../models/onnx/quantize';

const USAGE = `usage: radraft synth-model --config 3b-224|3b-448|3b-896|CONFIG_JSON --dtype ${WEIGHT_DTYPES.join('|')} --out DIR [--block-size 32] [--seed N]`;

/** google/paligemma2-3b-pt-224's config.json (transformers layout): SigLIP So400m/14 + Gemma 2 2B. */
function paligemma2Config3b(imageSize: 224 | 448 | 896): Record<string, unknown> {
  const imageTokens = (imageSize / 14) ** 2;
  return {
    architectures: ['PaliGemmaForConditionalGeneration'],
    model_type: 'paligemma',
    bos_token_id: 2,
    eos_token_id: 1,
    pad_token_id: 0,
    hidden_size: 2048,
    image_token_index: 257152,
    projection_dim: 2304,
    torch_dtype: 'bfloat16',
    text_config: {
      model_type: 'gemma2',
      hidden_activation: 'gelu_pytorch_tanh',
      hidden_size: 2304,
      intermediate_size: 9216,
      num_hidden_layers: 26,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      head_dim: 256,
      query_pre_attn_scalar: 256,
      sliding_window: 4096,
      attn_logit_softcapping: 50.0,
      final_logit_softcapping: 30.0,
      max_position_embeddings: 8192,
      rms_norm_eps: 1e-6,
      rope_theta: 10000.0,
      num_image_tokens: imageTokens,
      vocab_size: 257216,
      torch_dtype: 'bfloat16',
    },
    vision_config: {
      model_type: 'siglip_vision_model',
      hidden_act: 'gelu_pytorch_tanh',
      hidden_size: 1152,
      intermediate_size: 4304,
      num_hidden_layers: 27,
      num_attention_heads: 16,
      image_size: imageSize,
      patch_size: 14,
      num_image_tokens: imageTokens,
      projection_dim: 2304,
      layer_norm_eps: 1e-6,
      vision_use_head: false,
      torch_dtype: 'bfloat16',
    },
  };
}

export const SYNTH_PRESETS: Record<string, () => Record<string, unknown>> = {
  '3b-224': () => paligemma2Config3b(224),
  '3b-448': () => paligemma2Config3b(448),
  '3b-896': () => paligemma2Config3b(896),
};

/** FNV-1a of the name mixed with the seed: a per-tensor stream that does not depend on build order. */
function seedFor(name: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

/**
 * Random weights in the shapes `cfg` implies: matrices uniform with std 0.02 (Gemma's initializer_range), norm
 * weights near their neutral value (Gemma RMSNorm stores w for (1 + w); LayerNorm scale near 1), biases small.
 */
export class SyntheticWeightSource implements WeightSource {
  private readonly shapes: Map<string, number[]>;

  constructor(
    cfg: PaliGemmaConfig,
    private readonly seed = 0,
  ) {
    this.shapes = expectedWeights(cfg);
  }

  names(): string[] {
    return [...this.shapes.keys()];
  }

  shape(name: string): number[] | undefined {
    return this.shapes.get(name);
  }

  read(name: string): Float32Array {
    const shape = this.shapes.get(name);
    if (!shape) throw new Error(`synthetic model has no weight ${name}`);
    const out = new Float32Array(shape.reduce((a, d) => a * d, 1));
    const layerNormScale = /layer_norm\d?\.weight$|post_layernorm\.weight$/.test(name);
    const isNormOrBias = shape.length === 1;
    const std = isNormOrBias ? 0.01 : 0.02;
    const half = std * Math.sqrt(3);
    const offset = layerNormScale ? 1 : 0;
    // xorshift32: fast enough to fill 3 billion weights in seconds; quality is irrelevant here.
    let x = seedFor(name, this.seed);
    for (let i = 0; i < out.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = offset + ((x >>> 0) / 4294967296 - 0.5) * 2 * half;
    }
    return out;
  }
}

const SPECIALS = ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>'];

/**
 * A tokenizer.json with PaliGemma's layout for a vocabulary of `vocabSize` rows: specials 0–4, "\n" = 5, single
 * characters, filler words up to imageTokenId − 1152, <loc0000>…<loc1023>, <seg000>…<seg127>, then <image>.
 */
export function syntheticTokenizer(cfg: PaliGemmaConfig): Record<string, unknown> {
  const image = cfg.imageTokenId;
  const locStart = image - 1024 - 128;
  if (locStart < 200) throw new Error(`image_token_index ${image} leaves no room for PaliGemma's 1152 location/segmentation tokens`);
  const vocab: Record<string, number> = {};
  const added: { id: number; content: string; special: boolean }[] = [];
  SPECIALS.forEach((s, id) => {
    vocab[s] = id;
    added.push({ id, content: s, special: true });
  });
  vocab['\n'] = 5;
  added.push({ id: 5, content: '\n', special: false });
  let id = 6;
  const chars = '▁abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?()-\'"/%';
  for (const ch of chars) vocab[ch] = id++;
  for (; id < locStart; id++) vocab[`▁w${id}`] = id;
  for (let i = 0; i < 1024; i++, id++) {
    const content = `<loc${String(i).padStart(4, '0')}>`;
    vocab[content] = id;
    added.push({ id, content, special: false });
  }
  for (let i = 0; i < 128; i++, id++) {
    const content = `<seg${String(i).padStart(3, '0')}>`;
    vocab[content] = id;
    added.push({ id, content, special: false });
  }
  vocab['<image>'] = image;
  added.push({ id: image, content: '<image>', special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added.map((t) => ({ ...t, single_word: false, lstrip: false, rstrip: false, normalized: false })),
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true },
    post_processor: null,
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: [] },
  };
}

function loadConfig(spec: string): Record<string, unknown> {
  const preset = SYNTH_PRESETS[spec];
  if (preset) return preset();
  try {
    return JSON.parse(readFileSync(spec, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`--config ${spec} is neither a preset (${Object.keys(SYNTH_PRESETS).join(', ')}) nor a readable config.json: ${(error as Error).message}`, { cause: error });
  }
}

export interface SynthOptions {
  dtype: WeightDtype;
  blockSize?: number;
  seed?: number;
  name?: string;
  onProgress?: (fraction: number, message: string) => void;
}

/** Builds a synthetic model folder from a config (object); returns the manifest's file list size in bytes. */
export function synthesizeModel(rawConfig: Record<string, unknown>, outDir: string, opts: SynthOptions): number {
  const cfg = parsePaliGemmaConfig(rawConfig);
  const work = mkdtempSync(join(tmpdir(), 'radraft-synth-'));
  try {
    const tokenizerPath = join(work, 'tokenizer.json');
    writeFileSync(tokenizerPath, JSON.stringify(syntheticTokenizer(cfg)));
    const preprocessorPath = join(work, 'preprocessor_config.json');
    writeFileSync(
      preprocessorPath,
      JSON.stringify({ image_processor_type: 'SiglipImageProcessor', do_resize: true, resample: 3, size: { height: cfg.vision.imageSize, width: cfg.vision.imageSize }, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] }),
    );
    const quantized = opts.dtype === 'int8' || opts.dtype === 'int4';
    const manifest = writeModelFolder(
      rawConfig,
      new SyntheticWeightSource(cfg, opts.seed ?? 0),
      outDir,
      { tokenizerPath, preprocessorPath, generationDefaults: { max_new_tokens: 160 } },
      {
        dtype: opts.dtype,
        quantizer: quantized ? linearNBitsQuantizer(opts.blockSize ?? 32) : undefined,
        name: opts.name,
        onProgress: opts.onProgress,
      },
    );
    return manifest.files.reduce((a, f) => a + f.bytes, 0);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const synthModelCommand: CliCommand = {
  async run(args) {
    const parsed = parseCliArgs('synth-model', USAGE, {
      args,
      options: { config: { type: 'string', default: '3b-224' }, dtype: { type: 'string', default: 'int4' }, out: { type: 'string' }, 'block-size': { type: 'string', default: '32' }, seed: { type: 'string', default: '0' } },
    }, (t) => process.stderr.write(t));
    if (!parsed) return 2;
    const { config, out } = parsed.values;
    const dtype = parsed.values.dtype as WeightDtype;
    const blockSize = Number(parsed.values['block-size']);
    const seed = Number(parsed.values.seed);
    if (!out) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    if (!WEIGHT_DTYPES.includes(dtype)) {
      process.stderr.write(`radraft synth-model: --dtype must be one of ${WEIGHT_DTYPES.join(', ')}\n`);
      return 2;
    }
    if (!Number.isInteger(seed)) {
      process.stderr.write('radraft synth-model: --seed must be a whole number\n');
      return 2;
    }
    const t0 = performance.now();
    let last = -1;
    try {
      const rawConfig = loadConfig(config);
      const bytes = synthesizeModel(rawConfig, out, {
        dtype,
        blockSize,
        seed,
        name: `PaliGemma 2 ${SYNTH_PRESETS[config] ? config : 'custom'} synthetic (random weights, ${dtype})`,
        onProgress: (f) => {
          const pct = Math.floor(f * 100);
          if (pct >= last + 5 && process.stderr.isTTY) {
            last = pct;
            process.stderr.write(`\rbuilding… ${pct}%`);
          }
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(`${out}: synthetic PaliGemma 2 (${config}) ${dtype}, ${(bytes / 2 ** 30).toFixed(2)} GiB, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`radraft synth-model: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
