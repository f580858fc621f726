// Lossless speculative decoding: drafts from prompt lookup, verified several tokens per decoder run, must give exactly
// greedy's tokens (the reference ids of every golden case) whatever the drafts are — right (the case's own report in
// the corpus), partly right (the other reports), or wrong (a corpus of unrelated token runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, SpeculationUnsupportedError, type Model, type PromptLookup } from '../../../models/engine/index';
import { PromptLookup as Lookup } from '../../../models/engine/prompt-lookup';
import { casePixels, cxrCases, importFixture, inputIds, maxLogitDiff, randnCase } from './fixtures';

const cases = cxrCases();

describe('speculative decoding on tiny-paligemma2-cxr (fp32)', () => {
  let model: Model;
  let cleanup: () => void;
  let all: PromptLookup;

  beforeAll(async () => {
    const imported = importFixture('tiny-paligemma2-cxr');
    cleanup = imported.cleanup;
    model = await loadModel(imported.dir);
    all = model.promptLookup(cases.map((c) => c.generated_text ?? ''));
  });
  afterAll(async () => {
    await model?.dispose();
    cleanup?.();
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: the reference ids and logits, drafts right or wrong', async (_id, c) => {
    const others = model.promptLookup(cases.filter((o) => o.id !== c.id).map((o) => o.generated_text ?? ''));
    // Unrelated runs of ids: drafts that are almost always rejected.
    const wrong = new Lookup([Array.from({ length: 400 }, (_, i) => 100 + ((i * 7) % 50))], { minN: 1 });
    for (const lookup of [all, others, wrong]) {
      const r = await model.generate({ pixelValues: casePixels(c, 'tiny-paligemma2-cxr'), inputIds: inputIds(c), maxTokens: 200, draft: { lookup, maxDraft: 6 } });
      expect(r.ids).toEqual(c.generated_ids);
      expect(r.steps.map((s) => s.top5Ids)).toEqual(c.steps_top5.map((s) => s.ids));
      expect(maxLogitDiff(r.steps, c.steps_top5)).toBeLessThan(1e-3);
      expect(r.speculation!.accepted).toBeLessThanOrEqual(r.speculation!.drafted);
      // Every run hands out at least one token: runs + prefill cover the generation.
      expect(r.speculation!.runs + 1).toBeLessThanOrEqual(r.ids.length + 1);
      if (lookup === all) expect(r.speculation!.accepted).toBeGreaterThan(0);
    }
  });

  it('with its own report in the corpus, a case needs far fewer decoder runs than tokens', async () => {
    const c = cases.reduce((a, b) => (b.generated_ids.length > a.generated_ids.length ? b : a));
    const r = await model.generate({ pixelValues: casePixels(c, 'tiny-paligemma2-cxr'), inputIds: inputIds(c), maxTokens: 200, draft: { lookup: all } });
    expect(r.ids).toEqual(c.generated_ids);
    expect(r.speculation!.runs).toBeLessThan(r.ids.length / 2);
  });

  it('stops at maxTokens exactly, even when a run could confirm more', async () => {
    const c = cases[0];
    const r = await model.generate({ pixelValues: casePixels(c, 'tiny-paligemma2-cxr'), inputIds: inputIds(c), maxTokens: 7, draft: { lookup: all } });
    expect(r.ids).toEqual(c.generated_ids.slice(0, 7));
    expect(r.stopReason).toBe('max_tokens');
  });
});

describe('speculative decoding with sliding-window layers (tiny-paligemma2-randn-896, prompt past the window)', () => {
  it('gives the reference ids when drafts are verified across the window edge', async () => {
    const name = 'tiny-paligemma2-randn-896';
    const c = randnCase(name);
    const imported = importFixture(name);
    const model = await loadModel(imported.dir);
    try {
      const ids = c.text_ids ? inputIds(c) : model.promptIds(c.prompt);
      // The reference continuation itself as the corpus: every draft is right, so runs verify up to 8 tokens.
      const lookup = new Lookup([c.generated_ids], { minN: 1 });
      const r = await model.generate({ pixelValues: casePixels(c, name), inputIds: ids, maxTokens: c.generated_ids.length, draft: { lookup } });
      expect(r.ids).toEqual(c.generated_ids);
      expect(maxLogitDiff(r.steps, c.steps_top5)).toBeLessThan(1e-3);
      expect(r.speculation!.accepted).toBeGreaterThan(0);
    } finally {
      await model.dispose();
      imported.cleanup();
    }
  });
});

describe('speculative decoding on a decoder in the old past_key_values layout', () => {
  it('is refused with a clear message once there is something to verify', async () => {
    const imported = importFixture('tiny-paligemma2-cxr', 'fp32', { kvCache: 'concat' });
    const model = await loadModel(imported.dir);
    try {
      const c = cases[0];
      const lookup = model.promptLookup(cases.map((o) => o.generated_text ?? ''));
      await expect(model.generate({ pixelValues: casePixels(c, ''), inputIds: inputIds(c), draft: { lookup } })).rejects.toThrow(SpeculationUnsupportedError);
    } finally {
      await model.dispose();
      imported.cleanup();
    }
  });
});
