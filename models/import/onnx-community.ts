// onnx-community / transformers.js PaliGemma 2 exports as radraft model folders. Such a folder holds
// onnx/vision_encoder{suffix}.onnx, onnx/embed_tokens{suffix}.onnx and onnx/decoder_model_merged{suffix}.onnx (with
// `.onnx_data*` external data), config.json, tokenizer.json and preprocessor_config.json. The graphs are used as they
// are; the engine adapts to their inputs (attention_mask, position_ids, use_cache_branch, float16 tensors).
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePaliGemmaConfig } from '../config/paligemma';
import { DEFAULT_PROMPT_TEMPLATES, describeFile, type Manifest } from '../manifest';
import type { WeightDtype } from '../onnx/paligemma';
import { TextTokenizer } from '../tokenizer/tokenizer';
import { ImportError } from './errors';
import { manifestHead, writeManifest } from './model-folder';

/** How an onnx-community export differs from transformers 5.x, written into its manifest. */
export const ONNX_COMMUNITY_NOTES = [
  'onnx-community export (transformers.js layout): graphs used as exported, not built by radraft; not checked against the transformers 5.x golden outputs.',
  'Prefix attention follows the export\'s attention_mask handling (causal in transformers.js exports); transformers 5.x lets the whole prompt (image + prefix) attend bidirectionally, so outputs can differ.',
  'Exports made with transformers 4.x may apply Gemma 2\'s final-logit soft-cap (tanh(x/30)·30): greedy tokens are unchanged but logits and token probabilities differ from transformers 5.x, which applies none for PaliGemma.',
  'Embedding scaling and image-feature scaling are whatever the export graphs do; radraft places the vision encoder output at <image> positions as transformers.js does.',
  'radraft feeds position ids from 1 (as transformers 5.x) where transformers.js feeds them from 0.',
  'Sliding-window attention is whatever the export implements; quantized variants are the export\'s own.',
];

const COMPONENTS = { vision: 'vision_encoder', embed: 'embed_tokens', decoder: 'decoder_model_merged' } as const;

const SUFFIXES: Record<WeightDtype, string[]> = {
  fp32: [''],
  fp16: ['_fp16'],
  int8: ['_quantized', '_int8', '_uint8'],
  int4: ['_q4', '_q4f16', '_bnb4'],
};

/** True when `dir` looks like a transformers.js export (onnx/decoder_model_merged*.onnx). */
export function isOnnxCommunityExport(dir: string): boolean {
  const onnx = join(dir, 'onnx');
  return existsSync(onnx) && readdirSync(onnx).some((f) => f.startsWith('decoder_model_merged') && f.endsWith('.onnx'));
}

function pick(dir: string, component: string, dtype: WeightDtype): string {
  const files = readdirSync(join(dir, 'onnx'));
  for (const suffix of SUFFIXES[dtype]) {
    const name = `${component}${suffix}.onnx`;
    if (files.includes(name)) return name;
  }
  const have = files.filter((f) => f.startsWith(component) && f.endsWith('.onnx'));
  throw new ImportError(`${dir}/onnx has no ${dtype} ${component} (looked for ${SUFFIXES[dtype].map((s) => component + s + '.onnx').join(', ')}; found ${have.join(', ') || 'none'})`);
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

export function importOnnxCommunity(srcDir: string, outDir: string, opts: { dtype: WeightDtype; name?: string }): Manifest {
  if (resolve(srcDir) === resolve(outDir)) throw new ImportError('--out must be a different folder from the export');
  const configPath = join(srcDir, 'config.json');
  if (!existsSync(configPath)) throw new ImportError(`${srcDir} has no config.json`);
  const rawConfig = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const cfg = parsePaliGemmaConfig(rawConfig);
  const tokenizerPath = join(srcDir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new ImportError(`${srcDir} has no tokenizer.json`);
  const tokenizer = TextTokenizer.fromFile(tokenizerPath);
  const newline = tokenizer.tokenId('\n') ?? tokenizer.encode('\n')[0];
  if (newline === undefined) throw new ImportError('tokenizer.json has no token for "\\n"');

  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  const files: string[] = [];
  const graphs = { vision: '', embed: '', decoder: '' };
  const onnxFiles = readdirSync(join(srcDir, 'onnx'));
  for (const [key, component] of Object.entries(COMPONENTS) as [keyof typeof COMPONENTS, string][]) {
    const graph = pick(srcDir, component, opts.dtype);
    graphs[key] = `onnx/${graph}`;
    // External data: NAME.onnx_data, NAME.onnx_data_1, … (transformers.js) or NAME.onnx.data.
    for (const f of onnxFiles.filter((f) => f === graph || f.startsWith(`${graph}_data`) || f.startsWith(`${graph}.data`))) {
      linkOrCopy(join(srcDir, 'onnx', f), join(outDir, 'onnx', f));
      files.push(`onnx/${f}`);
    }
  }
  copyFileSync(tokenizerPath, join(outDir, 'tokenizer.json'));
  files.push('tokenizer.json');
  const pre = join(srcDir, 'preprocessor_config.json');
  if (existsSync(pre)) {
    copyFileSync(pre, join(outDir, 'preprocessor_config.json'));
    files.push('preprocessor_config.json');
  }
  const manifest: Manifest = {
    ...manifestHead(cfg, rawConfig, { layout: 'onnx-community', dtype: opts.dtype, name: opts.name, folder: srcDir }),
    tokens: { bos: cfg.bosTokenId, eos: cfg.eosTokenIds, pad: cfg.padTokenId, image: cfg.imageTokenId, newline },
    promptTemplates: { ...DEFAULT_PROMPT_TEMPLATES },
    maxNewTokens: 160,
    graphs,
    tokenizer: 'tokenizer.json',
    preprocessor: existsSync(pre) ? 'preprocessor_config.json' : null,
    files: files.map((f) => describeFile(outDir, f)),
    notes: ONNX_COMMUNITY_NOTES,
  };
  writeManifest(outDir, manifest);
  return manifest;
}
