// Fidelity against transformers 5.17 (shared/golden/cases.json): the tiny radiology checkpoint imported at fp32
// must produce exactly the reference tokens, with every step's top-5 raw logits within 1e-3 — with the decoder's
// KV cache in the 'append' layout radraft builds, and in the 'concat' layout of exports and older radraft models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../../models/engine/index';
import { casePixels, cxrCases, importFixture, inputIds, maxLogitDiff } from './fixtures';

const cases = cxrCases();

describe.each(['append', 'concat'] as const)('tiny-paligemma2-cxr imported at fp32, KV cache layout %s', (kvCache) => {
  let model: Model;
  let cleanup: () => void;

  beforeAll(async () => {
    const imported = importFixture('tiny-paligemma2-cxr', 'fp32', { kvCache });
    cleanup = imported.cleanup;
    model = await loadModel(imported.dir);
  });
  afterAll(async () => {
    await model?.dispose();
    cleanup?.();
  });

  it('has all 14 reference cases', () => {
    expect(cases).toHaveLength(14);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: exact tokens and top-5 logits within 1e-3', async (_id, c) => {
    const ids = inputIds(c);
    // The prompt text, wrapped and tokenized by the engine, gives the reference input ids.
    expect(model.promptIds(c.prompt)).toEqual(ids);
    const r = await model.generate({ pixelValues: casePixels(c, 'tiny-paligemma2-cxr'), prompt: c.prompt, maxTokens: 200 });
    expect(r.ids).toEqual(c.generated_ids);
    expect(r.steps.map((s) => s.top5Ids)).toEqual(c.steps_top5.map((s) => s.ids));
    expect(maxLogitDiff(r.steps, c.steps_top5)).toBeLessThan(1e-3);
    expect(r.text).toBe(c.generated_text);
    expect(r.stopReason).toBe(c.generated_ids.at(-1) === 1 ? 'eos' : 'max_tokens');
  });
});
