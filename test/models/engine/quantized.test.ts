// Low-precision imports of the tiny radiology model: how many of the 14 dev cases keep the first 20 reference ids.
// Measured with onnxruntime-node 1.30 CPU: fp16 14/14, int8 14/14, int4 14/14 (MatMulNBits, block 32, asymmetric).
import { describe, expect, it } from 'vitest';
import { loadModel, type WeightDtype } from '../../../models/engine/index';
import { casePixels, cxrCases, importFixture, inputIds } from './fixtures';

const cases = cxrCases();
const floor: Record<Exclude<WeightDtype, 'fp32'>, number> = { fp16: 14, int8: 13, int4: 12 };

describe.each(Object.entries(floor))('tiny-paligemma2-cxr imported as %s', (dtype, atLeast) => {
  it(`keeps the first 20 reference ids in at least ${atLeast} of 14 dev cases`, async () => {
    const imported = importFixture('tiny-paligemma2-cxr', dtype as WeightDtype);
    const model = await loadModel(imported.dir);
    try {
      expect(model.manifest.dtype).toBe(dtype);
      let kept = 0;
      for (const c of cases) {
        const r = await model.generate({ pixelValues: casePixels(c, ''), inputIds: inputIds(c), maxTokens: 20 });
        if (JSON.stringify(r.ids) === JSON.stringify(c.generated_ids.slice(0, 20))) kept++;
      }
      expect(kept).toBeGreaterThanOrEqual(atLeast);
    } finally {
      await model.dispose();
      imported.cleanup();
    }
  });
});
