// Import: both weight-name layouts, sharded checkpoints, bf16 tensors, tied lm_head, external data, the manifest,
// and the errors a user sees for a checkpoint that is not PaliGemma 2.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointWeightSource, ImportError, MissingWeightError, UnsupportedArchitectureError, importCheckpoint, loadModel, readManifest, writeModelFolder } from '../../../models/engine/index';
import { canonicalWeightName } from '../../../models/import/weights';
import { SafetensorsFile, readTensorBytes } from '../../../models/safetensors/reader';
import { FIXTURES, casePixels, cxrCases, inputIds, maxLogitDiff, tempDir } from '../engine/fixtures';
import { toBf16, writeSafetensors, type RawTensor } from '../safetensors/write';

const CXR = join(FIXTURES, 'tiny-paligemma2-cxr');
const tmp = tempDir('import');
afterAll(() => tmp.cleanup());
const dev00 = cxrCases()[0];

/** Re-saves the cxr checkpoint under new names, optionally in bf16 and in two shards. */
function relayout(name: string, rename: (n: string) => string, opts: { bf16?: boolean; shards?: boolean; lmHead?: boolean } = {}): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  for (const f of ['config.json', 'tokenizer.json', 'preprocessor_config.json']) copyFileSync(join(CXR, f), join(dir, f));
  const src = new SafetensorsFile(join(CXR, 'model.safetensors'));
  const tensors: Record<string, RawTensor> = {};
  for (const [n, info] of src.tensors) {
    const bytes = readTensorBytes(info);
    tensors[rename(n)] = opts.bf16 ? { dtype: 'BF16', shape: info.shape, bytes: toBf16(new Float32Array(bytes.buffer)) } : { dtype: 'F32', shape: info.shape, bytes };
    if (opts.lmHead && n.endsWith('embed_tokens.weight')) tensors['lm_head.weight'] = tensors[rename(n)];
  }
  if (!opts.shards) {
    writeSafetensors(join(dir, 'model.safetensors'), tensors);
    return dir;
  }
  const names = Object.keys(tensors);
  const half = Math.ceil(names.length / 2);
  const map: Record<string, string> = {};
  [names.slice(0, half), names.slice(half)].forEach((part, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    writeSafetensors(join(dir, file), Object.fromEntries(part.map((n) => [n, tensors[n]])));
    for (const n of part) map[n] = file;
  });
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: map }));
  return dir;
}

const toV5 = (n: string): string =>
  n.replace(/^language_model\.model\./, 'model.language_model.').replace(/^vision_tower\./, 'model.vision_tower.vision_model.').replace(/^multi_modal_projector\./, 'model.multi_modal_projector.');

describe('importCheckpoint', () => {
  it('maps every checkpoint naming scheme to the same canonical names', () => {
    expect(canonicalWeightName('language_model.model.layers.3.mlp.up_proj.weight')).toBe('text.layers.3.mlp.up_proj.weight');
    expect(canonicalWeightName('model.language_model.layers.3.mlp.up_proj.weight')).toBe('text.layers.3.mlp.up_proj.weight');
    expect(canonicalWeightName('vision_tower.vision_model.encoder.layers.0.mlp.fc1.bias')).toBe('vision.encoder.layers.0.mlp.fc1.bias');
    expect(canonicalWeightName('model.vision_tower.vision_model.post_layernorm.weight')).toBe('vision.post_layernorm.weight');
    expect(canonicalWeightName('vision_tower.post_layernorm.weight')).toBe('vision.post_layernorm.weight');
    expect(canonicalWeightName('multi_modal_projector.linear.weight')).toBe('projector.weight');
    expect(canonicalWeightName('model.multi_modal_projector.linear.bias')).toBe('projector.bias');
    expect(canonicalWeightName('lm_head.weight')).toBe('text.lm_head.weight');
  });

  it('imports the transformers 5 layout from a sharded checkpoint with a stored lm_head, with identical results', async () => {
    const hf = relayout('v5-sharded', toV5, { shards: true, lmHead: true });
    const out = join(tmp.dir, 'v5-sharded-model');
    importCheckpoint(hf, out, { dtype: 'fp32' });
    const model = await loadModel(out);
    try {
      const r = await model.generate({ pixelValues: casePixels(dev00, ''), inputIds: inputIds(dev00), maxTokens: 24 });
      expect(r.ids).toEqual(dev00.generated_ids.slice(0, 24));
      expect(maxLogitDiff(r.steps, dev00.steps_top5)).toBeLessThan(1e-3);
    } finally {
      await model.dispose();
    }
  });

  it('reads bf16 checkpoints (widened exactly) and runs them', async () => {
    const hf = relayout('bf16', (n) => n, { bf16: true });
    const src = new CheckpointWeightSource(hf);
    expect(src.dtype('text.norm.weight')).toBe('BF16');
    const w = src.read('text.embed_tokens.weight');
    const u = new Uint32Array(w.buffer, w.byteOffset, w.length);
    expect(u.every((x) => (x & 0xffff) === 0)).toBe(true);
    const out = join(tmp.dir, 'bf16-model');
    importCheckpoint(hf, out, { dtype: 'fp32' });
    const model = await loadModel(out);
    try {
      const r = await model.generate({ pixelValues: casePixels(dev00, ''), prompt: 'report en', maxTokens: 8 });
      expect(r.ids).toHaveLength(8);
    } finally {
      await model.dispose();
    }
  });

  it('writes a versioned manifest with hashes, sizes, tokens and prompt templates', () => {
    const out = join(tmp.dir, 'manifest-model');
    const m = importCheckpoint(CXR, out, { dtype: 'fp32', name: 'Tiny CXR demo' });
    const onDisk = readManifest(out);
    expect(onDisk).toEqual(m);
    expect(m.version).toBe(1);
    expect(m.name).toBe('Tiny CXR demo');
    expect(m.imageSize).toBe(224);
    expect(m.imageSeqLength).toBe(256);
    expect(m.tokens).toEqual({ bos: 2, eos: [1], pad: 0, image: 2152, newline: 5 });
    expect(m.maxNewTokens).toBe(160);
    expect(m.promptTemplates).toMatchObject({ report: 'report en', reportWithIndication: 'report en INDICATION: {indication}', detect: 'detect {label}' });
    expect(m.sourceConfig).toEqual(JSON.parse(readFileSync(join(CXR, 'config.json'), 'utf8')));
    expect(m.files.map((f) => f.path).sort()).toEqual(['decoder.onnx', 'embed_tokens.onnx', 'preprocessor_config.json', 'tokenizer.json', 'vision_encoder.onnx']);
    for (const f of m.files) expect(readFileSync(join(out, f.path)).length).toBe(f.bytes);
  });

  it('writes external data files when a graph is over the size limit, and onnxruntime loads them', async () => {
    const out = join(tmp.dir, 'external-model');
    const raw = JSON.parse(readFileSync(join(CXR, 'config.json'), 'utf8')) as Record<string, unknown>;
    const m = writeModelFolder(raw, new CheckpointWeightSource(CXR), out, { tokenizerPath: join(CXR, 'tokenizer.json'), preprocessorPath: null }, { dtype: 'fp32', externalDataAboveBytes: 0 });
    expect(m.files.map((f) => f.path)).toEqual(expect.arrayContaining(['decoder.onnx.data', 'vision_encoder.onnx.data', 'embed_tokens.onnx.data']));
    expect(readFileSync(join(out, 'decoder.onnx')).length).toBeLessThan(200_000);
    const model = await loadModel(out);
    try {
      const r = await model.generate({ pixelValues: casePixels(dev00, ''), inputIds: inputIds(dev00), maxTokens: 10 });
      expect(r.ids).toEqual(dev00.generated_ids.slice(0, 10));
    } finally {
      await model.dispose();
    }
  });

  it('refuses checkpoints that are not PaliGemma 2, naming the problem', () => {
    const dir = join(tmp.dir, 'gemma1');
    mkdirSync(dir);
    for (const f of ['model.safetensors', 'tokenizer.json']) copyFileSync(join(CXR, f), join(dir, f));
    const cfg = JSON.parse(readFileSync(join(CXR, 'config.json'), 'utf8')) as { text_config: Record<string, unknown>; architectures: string[]; model_type: string };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, text_config: { ...cfg.text_config, model_type: 'gemma' } }));
    expect(() => importCheckpoint(dir, join(tmp.dir, 'o1'), { dtype: 'fp32' })).toThrow(UnsupportedArchitectureError);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, architectures: ['LlavaForConditionalGeneration'], model_type: 'llava' }));
    expect(() => importCheckpoint(dir, join(tmp.dir, 'o2'), { dtype: 'fp32' })).toThrow(/unsupported architecture "LlavaForConditionalGeneration"/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, text_config: { ...cfg.text_config, num_hidden_layers: 5, layer_types: undefined } }));
    expect(() => importCheckpoint(dir, join(tmp.dir, 'o3'), { dtype: 'fp32' })).toThrow(MissingWeightError);
    expect(() => importCheckpoint(join(tmp.dir, 'nothing'), join(tmp.dir, 'o4'), { dtype: 'fp32' })).toThrow(ImportError);
    expect(existsSync(join(tmp.dir, 'o3', 'radraft-model.json'))).toBe(false);
  });
});
