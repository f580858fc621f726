// Checkpoint → model folder: three ONNX graphs, the tokenizer and preprocessor config, and a manifest with hashes.
// Weights are streamed through the graph builder one tensor at a time (see WeightSource), and a graph whose weights
// would not fit in a 2 GB protobuf is written with an external data file beside it.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePaliGemmaConfig, type PaliGemmaConfig } from '../config/paligemma';
import { DEFAULT_PROMPT_TEMPLATES, MANIFEST_FILE, describeFile, type Manifest } from '../manifest';
import { InitializerSink, type GraphBuilder } from '../onnx/graph';
import { PaliGemmaGraphBuilder, type KvCacheLayout, type NBitsQuantizer, type WeightDtype } from '../onnx/paligemma';
import { linearNBitsQuantizer } from '../onnx/quantize';
import { CheckpointWeightSource, checkWeights, expectedWeights, type WeightSource } from './weights';
import { TextTokenizer } from '../tokenizer/tokenizer';

import { ImportError } from './errors';
import { manifestHead, writeManifest } from './model-folder';
import { importOnnxCommunity, isOnnxCommunityExport } from './onnx-community';

export { ImportError };

export const GRAPH_FILES = { vision: 'vision_encoder.onnx', embed: 'embed_tokens.onnx', decoder: 'decoder.onnx' } as const;

/**
 * Above 16 MiB of weights a graph gets an external data file: page-aligned tensors, which onnxruntime maps instead of
 * parsing a protobuf copy of them (faster loads; the embedding table is only read where rows are gathered, so it
 * costs almost no memory), and no multi-gigabyte protobuf to encode (protobuf messages cannot exceed 2 GiB).
 */
const INLINE_LIMIT_BYTES = 16 * 2 ** 20;

/** MatMulNBits block size for int8/int4 imports (onnxruntime-genai's CPU default for int4). */
export const NBITS_BLOCK_SIZE = 32;

export interface WriteModelOptions {
  dtype: WeightDtype;
  /** int8/int4 packing; default: models/onnx/quantize.ts with NBITS_BLOCK_SIZE. */
  quantizer?: NBitsQuantizer;
  /** Model name shown in the app (defaults to the folder name). */
  name?: string;
  onProgress?: (fraction: number, message: string) => void;
  /** Graphs whose weights exceed this many bytes get an external data file (default 16 MiB; protobuf's limit is 2 GiB). */
  externalDataAboveBytes?: number;
  /**
   * Decoder KV cache layout (models/onnx/paligemma.ts). Default 'append'; 'concat' is the layout of onnx-community
   * exports and older radraft models, built only to test the engine's support for them.
   */
  kvCache?: KvCacheLayout;
}

export interface ModelExtras {
  /** Paths of tokenizer.json and (optional) preprocessor_config.json to copy. */
  tokenizerPath: string;
  preprocessorPath: string | null;
  /** radraft_generation_defaults.json contents, when the checkpoint has one. */
  generationDefaults?: Record<string, unknown>;
}

/** Stored bytes per weight: MatMulNBits adds a float32 scale and a zero point per block of 32. */
function bytesPerWeight(dtype: WeightDtype): number {
  return dtype === 'fp32' ? 4 : dtype === 'fp16' ? 2 : dtype === 'int8' ? 1 + 5 / 32 : 0.5 + 4.5 / 32;
}

function estimateBytes(cfg: PaliGemmaConfig, dtype: WeightDtype, part: 'vision' | 'embed' | 'decoder'): number {
  let n = 0;
  for (const [name, shape] of expectedWeights(cfg)) {
    const count = shape.reduce((a, d) => a * d, 1);
    if (part === 'vision' && (name.startsWith('vision.') || name.startsWith('projector.'))) n += count;
    if (part === 'decoder' && name.startsWith('text.')) n += count;
    if (part === 'embed' && name === 'text.embed_tokens.weight') n += count;
  }
  return n * (part === 'embed' && dtype === 'fp16' ? 2 : bytesPerWeight(dtype));
}

function writeGraph(outDir: string, file: string, inlineOk: boolean, build: (sink: InitializerSink) => GraphBuilder, doc: string): string[] {
  const dataFile = `${file}.data`;
  const sink = new InitializerSink(inlineOk ? null : join(outDir, dataFile));
  try {
    const g = build(sink);
    writeFileSync(join(outDir, file), g.encode(doc));
  } finally {
    sink.close();
  }
  return sink.usedExternal ? [file, dataFile] : [file];
}

/** Builds the graphs for `cfg` from `source` into `outDir` and writes the manifest. Shared by import and synth-model. */
export function writeModelFolder(rawConfig: Record<string, unknown>, source: WeightSource, outDir: string, extras: ModelExtras, opts: WriteModelOptions): Manifest {
  const cfg = parsePaliGemmaConfig(rawConfig);
  checkWeights(source, cfg);
  const tokenizer = TextTokenizer.fromFile(extras.tokenizerPath);
  const newline = tokenizer.tokenId('\n') ?? tokenizer.encode('\n')[0];
  if (newline === undefined) throw new ImportError('tokenizer.json has no token for "\\n"');
  const imageId = tokenizer.tokenId('<image>');
  if (imageId !== undefined && imageId !== cfg.imageTokenId) throw new ImportError(`tokenizer.json maps <image> to ${imageId} but config.json says image_token_index ${cfg.imageTokenId}`);

  mkdirSync(outDir, { recursive: true });
  const total = expectedWeights(cfg).size + 1;
  let done = 0;
  const builder = new PaliGemmaGraphBuilder(cfg, source, {
    dtype: opts.dtype,
    kvCache: opts.kvCache,
    quantizer: opts.quantizer ?? linearNBitsQuantizer(NBITS_BLOCK_SIZE),
    onWeight: (name) => {
      done++;
      opts.onProgress?.(Math.min(0.99, done / total), name);
    },
  });
  const doc = `PaliGemma 2 (${opts.dtype}) built by radraft from ${cfg.text.numLayers}-layer Gemma 2 + SigLIP ${cfg.vision.imageSize}px`;
  const limit = opts.externalDataAboveBytes ?? INLINE_LIMIT_BYTES;
  const files: string[] = [];
  files.push(...writeGraph(outDir, GRAPH_FILES.vision, estimateBytes(cfg, opts.dtype, 'vision') < limit, (s) => builder.buildVisionEncoder(s), doc));
  files.push(...writeGraph(outDir, GRAPH_FILES.embed, estimateBytes(cfg, opts.dtype, 'embed') < limit, (s) => builder.buildEmbedding(s), doc));
  files.push(...writeGraph(outDir, GRAPH_FILES.decoder, estimateBytes(cfg, opts.dtype, 'decoder') < limit, (s) => builder.buildDecoder(s), doc));
  copyFileSync(extras.tokenizerPath, join(outDir, 'tokenizer.json'));
  files.push('tokenizer.json');
  if (extras.preprocessorPath) {
    copyFileSync(extras.preprocessorPath, join(outDir, 'preprocessor_config.json'));
    files.push('preprocessor_config.json');
  }
  const defaults = extras.generationDefaults ?? {};
  const templates = { ...DEFAULT_PROMPT_TEMPLATES, ...((defaults.prompt_templates ?? defaults.promptTemplates ?? {}) as Record<string, string>) };
  const eos = typeof defaults.eos_token_id === 'number' ? [defaults.eos_token_id] : Array.isArray(defaults.eos_token_id) ? (defaults.eos_token_id as number[]) : cfg.eosTokenIds;
  const manifest: Manifest = {
    ...manifestHead(cfg, rawConfig, { layout: 'radraft', dtype: opts.dtype, name: opts.name, folder: outDir }),
    tokens: {
      bos: typeof defaults.bos_token_id === 'number' ? defaults.bos_token_id : cfg.bosTokenId,
      eos,
      pad: typeof defaults.pad_token_id === 'number' ? defaults.pad_token_id : cfg.padTokenId,
      image: cfg.imageTokenId,
      newline,
    },
    promptTemplates: templates,
    maxNewTokens: typeof defaults.max_new_tokens === 'number' ? defaults.max_new_tokens : 160,
    graphs: { ...GRAPH_FILES },
    tokenizer: 'tokenizer.json',
    preprocessor: extras.preprocessorPath ? 'preprocessor_config.json' : null,
    files: files.map((f) => describeFile(outDir, f)),
    notes: opts.dtype === 'fp32' ? [] : [`weights stored as ${opts.dtype}; activations, norms, softmax and the KV cache stay float32`],
  };
  writeManifest(outDir, manifest);
  opts.onProgress?.(1, 'done');
  return manifest;
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ImportError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * `radraft import-model HF_DIR --out MODEL_DIR`: a Hugging Face PaliGemma 2 checkpoint folder → model folder.
 * An onnx-community (transformers.js) export folder is accepted too: its graphs for `dtype` are linked or copied.
 */
export function importCheckpoint(hfDir: string, outDir: string, opts: WriteModelOptions): Manifest {
  if (!existsSync(join(hfDir, 'model.safetensors')) && !existsSync(join(hfDir, 'model.safetensors.index.json')) && isOnnxCommunityExport(hfDir)) {
    return importOnnxCommunity(hfDir, outDir, { dtype: opts.dtype, name: opts.name });
  }
  const configPath = join(hfDir, 'config.json');
  if (!existsSync(configPath)) throw new ImportError(`${hfDir} has no config.json: point import-model at a Hugging Face checkpoint folder`);
  const rawConfig = readJson(configPath);
  parsePaliGemmaConfig(rawConfig);
  const tokenizerPath = join(hfDir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new ImportError(`${hfDir} has no tokenizer.json (the fast tokenizer file is required)`);
  const pre = join(hfDir, 'preprocessor_config.json');
  const defaultsPath = join(hfDir, 'radraft_generation_defaults.json');
  const source = new CheckpointWeightSource(hfDir);
  if (resolve(hfDir) === resolve(outDir)) throw new ImportError('--out must be a different folder from the checkpoint');
  if (existsSync(join(outDir, MANIFEST_FILE))) rmSync(join(outDir, MANIFEST_FILE));
  return writeModelFolder(rawConfig, source, outDir, {
    tokenizerPath,
    preprocessorPath: existsSync(pre) ? pre : null,
    generationDefaults: existsSync(defaultsPath) ? readJson(defaultsPath) : undefined,
  }, opts);
}
