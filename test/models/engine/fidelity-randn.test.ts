// Fidelity on the random-weight checkpoints: N(0,1) weights (logits up to 150: soft-caps and norms matter) at 224 px,
// and the 448/896 px resolutions (1024/4096 image tokens; at 896 the prompt is longer than the 512-key sliding
// window, so both the bidirectional prefix and the decode-time window are exercised).
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../models/engine/index';
import { casePixels, importFixture, inputIds, maxLogitDiff, randnCase } from './fixtures';

describe.each(['tiny-paligemma2-randn', 'tiny-paligemma2-randn-448', 'tiny-paligemma2-randn-896'])('%s imported at fp32', (name) => {
  it('generates the reference tokens with top-5 logits within 1e-3', async () => {
    const c = randnCase(name);
    const imported = importFixture(name);
    const model = await loadModel(imported.dir);
    try {
      const ids = c.text_ids ? inputIds(c) : model.promptIds(c.prompt);
      if (c.input_ids_len) expect(ids).toHaveLength(c.input_ids_len);
      expect(model.promptIds(c.prompt)).toEqual(ids);
      const probs: number[] = [];
      const r = await model.generate({ pixelValues: casePixels(c, name), inputIds: ids, maxTokens: c.generated_ids.length, onToken: (_p, info) => probs.push(info.probability) });
      // Logits reach 157 here: the in-graph log-sum-exp must not overflow float32.
      expect(probs.every((p) => Number.isFinite(p) && p > 0 && p <= 1)).toBe(true);
      expect(r.ids).toEqual(c.generated_ids);
      expect(r.steps.map((s) => s.top5Ids)).toEqual(c.steps_top5.map((s) => s.ids));
      expect(maxLogitDiff(r.steps, c.steps_top5)).toBeLessThan(1e-3);
    } finally {
      await model.dispose();
      imported.cleanup();
    }
  });
});
