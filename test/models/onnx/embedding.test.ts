// The embedding graph of int8/int4 imports gathers rows of the MatMulNBits-packed tied table and dequantizes them in
// the graph; the rows must equal what MatMulNBits itself multiplies by (dequantizeMatMulNBits), times sqrt(hidden).
import { join } from 'node:path';
import { ort } from '../../../models/engine/ort';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointWeightSource } from '../../../models/engine/index';
import { dequantizeMatMulNBits, quantizeLinearNBits } from '../../../models/onnx/quantize';
import { FIXTURES, importFixture } from '../engine/fixtures';

const imports: { cleanup: () => void }[] = [];
afterAll(() => imports.forEach((i) => i.cleanup()));

describe.each([
  ['int8', 8],
  ['int4', 4],
] as const)('%s embedding graph', (dtype, bits) => {
  it('reproduces the dequantized tied table row for row', async () => {
    const imported = importFixture('tiny-paligemma2-cxr', dtype);
    imports.push(imported);
    const table = new CheckpointWeightSource(join(FIXTURES, 'tiny-paligemma2-cxr')).read('text.embed_tokens.weight');
    const [V, H] = [2176, 128];
    const ref = dequantizeMatMulNBits(quantizeLinearNBits(table, V, H, bits, 32)); // [K=H, N=V]
    const session = await ort.InferenceSession.create(join(imported.dir, 'embed_tokens.onnx'));
    const ids = [0, 1, 2, 5, 777, 2152, 2175];
    const out = (await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) })).inputs_embeds;
    expect(out.dims).toEqual([1, ids.length, H]);
    const got = out.data as Float32Array;
    const norm = Math.fround(Math.sqrt(H));
    let worst = 0;
    ids.forEach((id, r) => {
      for (let k = 0; k < H; k++) worst = Math.max(worst, Math.abs(got[r * H + k] - Math.fround(ref[k * V + id] * norm)));
    });
    expect(worst).toBeLessThan(1e-5);
    // and it is close to the float table (the quantization error bound of a block of 32).
    let err = 0;
    ids.forEach((id, r) => {
      for (let k = 0; k < H; k++) err = Math.max(err, Math.abs(got[r * H + k] / norm - table[id * H + k]));
    });
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(bits === 8 ? 0.01 : 0.2);
    await session.release();
  });
});
