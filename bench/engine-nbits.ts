// MatMulNBits speed for a decode-shaped product (one token: M = 1) at the sizes of PaliGemma 2 3B's Gemma 2 MLP,
// against a float32 MatMul, to choose bits / block size / accuracy_level for int4 and int8 imports.
// Usage: npx tsx bench/engine-nbits.ts [--threads N] [--k 2304] [--n 9216]
import { parseArgs } from 'node:util';
import { ort } from '../models/engine/ort';
import { onnx } from 'onnx-proto';
import { matMulNBitsAttributes, quantizeMatMulNBits, type MatMulNBitsWeights } from '../models/onnx/quantize';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, k: { type: 'string', default: '2304' }, n: { type: 'string', default: '9216' }, iters: { type: 'string', default: '200' } } });
const K = Number(values.k);
const N = Number(values.n);
const threads = Number(values.threads);
const iters = Number(values.iters);
const DT = onnx.TensorProto.DataType;
const info = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: DT.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});
const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function model(node: onnx.INodeProto, initializer: onnx.ITensorProto[]): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
    graph: { name: 'bench', node: [node], initializer, input: [info('A', ['M', K])], output: [info('Y', ['M', N])] },
  }).finish();
}

function nbitsModel(q: MatMulNBitsWeights, level: 0 | 4): Uint8Array {
  const attrs = matMulNBitsAttributes(q, level);
  return model(
    { name: 'mm', opType: 'MatMulNBits', domain: 'com.microsoft', input: ['A', 'B', 'scales', 'zp'], output: ['Y'], attribute: Object.entries(attrs).map(([name, i]) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i })) },
    [
      { name: 'B', dataType: DT.UINT8, dims: q.bShape, rawData: q.b },
      { name: 'scales', dataType: DT.FLOAT, dims: q.scalesShape, rawData: bytes(q.scales) },
      { name: 'zp', dataType: DT.UINT8, dims: q.zeroPointsShape, rawData: q.zeroPoints },
    ],
  );
}

async function time(label: string, proto: Uint8Array, weightBytes: number): Promise<void> {
  const s = await ort.InferenceSession.create(proto, { intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
  const a = new ort.Tensor('float32', new Float32Array(K).map(() => Math.random() - 0.5), [1, K]);
  for (let i = 0; i < 10; i++) await s.run({ A: a });
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) await s.run({ A: a });
  const ms = (performance.now() - t0) / iters;
  await s.release();
  console.log(`${label.padEnd(28)} ${ms.toFixed(3)} ms/run  ${(weightBytes / 2 ** 20).toFixed(1)} MiB  ${(weightBytes / ms / 1e6).toFixed(2)} GB/s`);
}

async function main(): Promise<void> {
  const w = new Float32Array(K * N).map(() => (Math.random() - 0.5) * 0.05);
  console.log(`K=${K} N=${N} M=1 threads=${threads} onnxruntime ${ort.env.versions.common}`);
  await time('fp32 MatMul', model({ name: 'mm', opType: 'MatMul', input: ['A', 'W'], output: ['Y'] }, [{ name: 'W', dataType: DT.FLOAT, dims: [K, N], rawData: bytes(w) }]), w.byteLength);
  for (const bits of [4, 8] as const) {
    for (const block of [32, 64, 128]) {
      const q = quantizeMatMulNBits(w, K, N, bits, block);
      const size = q.b.byteLength + q.scales.byteLength + q.zeroPoints.byteLength;
      for (const level of [0, 4] as const) await time(`int${bits} block ${block} level ${level}`, nbitsModel(q, level), size);
    }
  }
}

void main();
