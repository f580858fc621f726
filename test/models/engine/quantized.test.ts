// Low-precision imports of the tiny radiology model reproduce every dev case's reference generation in full, as
// docs/paligemma-engine.md reports. Not a near-tie gamble: along the reference path the top-1 logit leads the
// runner-up by at least 5.4 in all three dtypes, while quantization moves a top-5 logit by at most 1.4 (int4).
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../models/engine/index';
import { casePixels, cxrCases, importFixture, inputIds } from './fixtures';

const cases = cxrCases();

describe.each(['fp16', 'int8', 'int4'] as const)('tiny-paligemma2-cxr imported as %s', (dtype) => {
  it(`reproduces all ${cases.length} dev cases' reference ids to the end`, async () => {
    const imported = importFixture('tiny-paligemma2-cxr', dtype);
    const model = await loadModel(imported.dir);
    try {
      expect(cases).toHaveLength(14);
      expect(model.manifest.dtype).toBe(dtype);
      const differing: string[] = [];
      for (const c of cases) {
        // A few tokens of room: a generation that runs past the reference's end must fail too.
        const r = await model.generate({ pixelValues: casePixels(c, ''), inputIds: inputIds(c), maxTokens: c.generated_ids.length + 5 });
        if (JSON.stringify(r.ids) !== JSON.stringify(c.generated_ids)) differing.push(c.id);
      }
      expect(differing).toEqual([]);
    } finally {
      await model.dispose();
      imported.cleanup();
    }
  });
});
