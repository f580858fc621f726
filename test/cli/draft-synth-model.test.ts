// `radraft synth-model`: a PaliGemma 2 with random weights from a config alone, loadable and runnable by the engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_PRESETS, synthesizeModel, SyntheticWeightSource, syntheticTokenizer } from '../../main/cli/commands/synth-model';
import { expectedWeights, loadModel, parsePaliGemmaConfig, readManifest } from '../../models/engine/index';
import { TextTokenizer } from '../../models/tokenizer';
import { tempDir } from '../models/engine/fixtures';

const tinyConfig = JSON.parse(readFileSync(join(__dirname, '../fixtures/models/tiny-paligemma2-cxr/config.json'), 'utf8')) as Record<string, unknown>;

describe('synth-model', () => {
  it('describes PaliGemma 2 3B-224 as published: ~3.0 B parameters, 256 image tokens, Gemma 2 2B text model', () => {
    const cfg = parsePaliGemmaConfig(SYNTH_PRESETS['3b-224']());
    let params = 0;
    for (const shape of expectedWeights(cfg).values()) params += shape.reduce((a, d) => a * d, 1);
    expect(params / 1e9).toBeGreaterThan(2.9);
    expect(params / 1e9).toBeLessThan(3.1);
    expect(cfg.imageSeqLength).toBe(256);
    expect(cfg.text).toMatchObject({ hiddenSize: 2304, numLayers: 26, numHeads: 8, numKvHeads: 4, headDim: 256, vocabSize: 257216, slidingWindow: 4096 });
    expect(cfg.vision).toMatchObject({ hiddenSize: 1152, numLayers: 27, intermediateSize: 4304, imageSize: 224 });
    expect(parsePaliGemmaConfig(SYNTH_PRESETS['3b-896']()).imageSeqLength).toBe(4096);
  });

  it('gives a tokenizer with PaliGemma special-token ids', () => {
    const cfg = parsePaliGemmaConfig(SYNTH_PRESETS['3b-224']());
    const tok = TextTokenizer.fromJson(syntheticTokenizer(cfg));
    expect(tok.tokenId('<image>')).toBe(257152);
    expect(tok.tokenId('<loc0000>')).toBe(256000);
    expect(tok.tokenId('<seg127>')).toBe(257151);
    expect([tok.tokenId('<bos>'), tok.tokenId('<eos>'), tok.tokenId('\n')]).toEqual([2, 1, 5]);
    expect(tok.decode(tok.encode('report en'))).toBe('report en');
  });

  it('draws the same weights for the same name and seed, different ones otherwise', () => {
    const cfg = parsePaliGemmaConfig(tinyConfig);
    const a = new SyntheticWeightSource(cfg, 1);
    const w = a.read('text.embed_tokens.weight');
    const bytes = (f: Float32Array): Buffer => Buffer.from(f.buffer, f.byteOffset, f.byteLength);
    expect(bytes(w).equals(bytes(new SyntheticWeightSource(cfg, 1).read('text.embed_tokens.weight')))).toBe(true);
    expect(bytes(w).equals(bytes(new SyntheticWeightSource(cfg, 2).read('text.embed_tokens.weight')))).toBe(false);
    let sum = 0;
    let sq = 0;
    for (const v of w) {
      sum += v;
      sq += v * v;
    }
    expect(Math.abs(sum / w.length)).toBeLessThan(1e-3);
    expect(Math.sqrt(sq / w.length)).toBeCloseTo(0.02, 3);
    expect(a.read('vision.post_layernorm.weight')[0]).toBeCloseTo(1, 1);
  });

  describe.each(['int4', 'int8'] as const)('a %s build of a small config', (dtype) => {
    let out: { dir: string; cleanup: () => void };
    beforeAll(() => {
      out = tempDir(`synth-${dtype}`);
      synthesizeModel(tinyConfig, out.dir, { dtype, name: 'synthetic test' });
    });
    afterAll(() => out?.cleanup());

    it('loads and generates', async () => {
      const manifest = readManifest(out.dir);
      expect(manifest.dtype).toBe(dtype);
      expect(manifest.name).toBe('synthetic test');
      const model = await loadModel(out.dir);
      try {
        const r = await model.generate({ pixelValues: new Float32Array(3 * 224 * 224), prompt: 'report en', maxTokens: 4 });
        expect(r.steps).toHaveLength(r.ids.length);
        expect(r.ids.length).toBeGreaterThan(0);
        expect(r.steps[0].top5Logits.every(Number.isFinite)).toBe(true);
      } finally {
        await model.dispose();
      }
    });
  });
});
