// An onnx-community (transformers.js) export folder as a model folder. No real export is available offline, so the
// export is assembled from radraft's own graphs in the transformers.js file layout: the decoder built with the KV
// cache layout exports have ('concat': past_key_values in, present out), the extra decoder inputs such exports have
// (attention_mask, use_cache_branch) added, which the engine must feed, and only `logits` to choose tokens from.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { importCheckpoint, loadModel } from '../../../models/engine/index';
import { isOnnxCommunityExport } from '../../../models/import/onnx-community';
import { FIXTURES, casePixels, cxrCases, importFixture, inputIds, tempDir } from '../engine/fixtures';

const tmp = tempDir('onnx-community');
const built = importFixture('tiny-paligemma2-cxr', 'fp32', { kvCache: 'concat' });
afterAll(() => {
  tmp.cleanup();
  built.cleanup();
});
const dev00 = cxrCases()[0];

/** Adds the inputs transformers.js decoders have, and drops radraft's in-graph token choice (exports have only logits). */
function withExportInputs(path: string, out: string): void {
  const model = onnx.ModelProto.decode(readFileSync(path));
  const graph = model.graph!;
  const choice = new Set(['top5_logits', 'top5_ids', 'logsumexp']);
  graph.output = (graph.output ?? []).filter((o) => !choice.has(o.name ?? ''));
  graph.node = (graph.node ?? []).filter((n) => !(n.output ?? []).some((o) => choice.has(o)));
  const T = onnx.TensorProto.DataType;
  (model.graph!.input ??= []).push(
    { name: 'attention_mask', type: { tensorType: { elemType: T.INT64, shape: { dim: [{ dimValue: 1 }, { dimParam: 'total_sequence_length' }] } } } },
    { name: 'use_cache_branch', type: { tensorType: { elemType: T.BOOL, shape: { dim: [{ dimValue: 1 }] } } } },
  );
  writeFileSync(out, onnx.ModelProto.encode(model).finish());
}

describe('onnx-community export folders', () => {
  it('are detected, imported with a manifest that states their differences, and run', async () => {
    const exp = join(tmp.dir, 'paligemma2-export');
    mkdirSync(join(exp, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json', 'preprocessor_config.json']) copyFileSync(join(FIXTURES, 'tiny-paligemma2-cxr', f), join(exp, f));
    for (const suffix of ['', '_q4']) {
      copyFileSync(join(built.dir, 'vision_encoder.onnx'), join(exp, 'onnx', `vision_encoder${suffix}.onnx`));
      copyFileSync(join(built.dir, 'embed_tokens.onnx'), join(exp, 'onnx', `embed_tokens${suffix}.onnx`));
      withExportInputs(join(built.dir, 'decoder.onnx'), join(exp, 'onnx', `decoder_model_merged${suffix}.onnx`));
    }
    const exported = onnx.ModelProto.decode(readFileSync(join(exp, 'onnx', 'decoder_model_merged_q4.onnx')));
    expect(exported.graph!.input!.map((i) => i.name)).toContain('past_key_values.0.key');
    expect(isOnnxCommunityExport(exp)).toBe(true);
    expect(isOnnxCommunityExport(join(FIXTURES, 'tiny-paligemma2-cxr'))).toBe(false);

    const out = join(tmp.dir, 'model');
    const m = importCheckpoint(exp, out, { dtype: 'int4' });
    expect(m.layout).toBe('onnx-community');
    expect(m.graphs.decoder).toBe('onnx/decoder_model_merged_q4.onnx');
    expect(m.notes.join(' ')).toMatch(/bidirectionally/);
    expect(() => importCheckpoint(exp, join(tmp.dir, 'fp16'), { dtype: 'fp16' })).toThrow(/no fp16 vision_encoder/);

    const model = await loadModel(out);
    try {
      const probs: number[] = [];
      const r = await model.generate({ pixelValues: casePixels(dev00, ''), inputIds: inputIds(dev00), maxTokens: 12, onToken: (_p, info) => probs.push(info.probability) });
      expect(r.ids).toEqual(dev00.generated_ids.slice(0, 12));
      expect(r.steps.map((s) => s.top5Ids)).toEqual(dev00.steps_top5.slice(0, 12).map((s) => s.ids));
      expect(probs.every((p) => p > 0 && p <= 1)).toBe(true);
    } finally {
      await model.dispose();
    }
  });
});
