import { ort } from '../../../models/engine/ort';
import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  bfloat16ToFloats,
  dequantizeMatMulNBits,
  floatsToHalf,
  floatToHalfBits,
  halfBitsToFloat,
  halfToFloats,
  linearNBitsQuantizer,
  matMulNBitsAttributes,
  quantizeLinearNBits,
  quantizeMatMulNBits,
  QuantizeError,
  type MatMulNBitsWeights,
} from '../../../models/onnx/quantize';
import { seededRandom } from '../../../app/random/seeded-random';

const DT = onnx.TensorProto.DataType;

/** Deterministic N(0, σ) values (mulberry32 + Box–Muller) so failures reproduce. */
function gaussian(n: number, seed: number, sigma = 1): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sigma * Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  return out;
}

function matmul(a: Float32Array, w: Float32Array, M: number, K: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) {
    const av = a[m * K + k];
    for (let n = 0; n < N; n++) y[m * N + n] += av * w[k * N + n];
  }
  return y;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** One MatMulNBits node, Y = A · dequant(B), as a model proto built from the onnx schema. */
function matMulNBitsModel(q: MatMulNBitsWeights, accuracyLevel: 0 | 4, withZeroPoints = true): Uint8Array {
  const attrs = matMulNBitsAttributes(q, accuracyLevel);
  const inputs = ['A', 'B', 'scales', ...(withZeroPoints ? ['zero_points'] : [])];
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
    graph: {
      name: 'matmulnbits',
      node: [{
        name: '/model/test/MatMulNBits', opType: 'MatMulNBits', domain: 'com.microsoft', input: inputs, output: ['Y'],
        attribute: Object.entries(attrs).map(([name, i]) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i })),
      }],
      initializer: [
        { name: 'B', dataType: DT.UINT8, dims: q.bShape, rawData: q.b },
        { name: 'scales', dataType: DT.FLOAT, dims: q.scalesShape, rawData: bytesOf(q.scales) },
        ...(withZeroPoints ? [{ name: 'zero_points', dataType: DT.UINT8, dims: q.zeroPointsShape, rawData: q.zeroPoints }] : []),
      ],
      input: [tensorInfo('A', DT.FLOAT, ['M', q.K])],
      output: [tensorInfo('Y', DT.FLOAT, ['M', q.N])],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

async function runMatMulNBits(q: MatMulNBitsWeights, a: Float32Array, M: number, accuracyLevel: 0 | 4 = 0): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(matMulNBitsModel(q, accuracyLevel), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ A: new ort.Tensor('float32', a, [M, q.K]) });
    return out.Y.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function rms(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s / a.length);
}

describe('quantizeMatMulNBits in onnxruntime MatMulNBits', () => {
  const cases: { bits: 4 | 8; blockSize: number; K: number; N: number }[] = [
    { bits: 4, blockSize: 32, K: 256, N: 48 },
    { bits: 8, blockSize: 32, K: 256, N: 48 },
    { bits: 4, blockSize: 128, K: 384, N: 40 },
    { bits: 8, blockSize: 64, K: 192, N: 24 },
    // K not a multiple of the block, odd number of blocks (4-bit zero points padded per row).
    { bits: 4, blockSize: 16, K: 72, N: 10 },
    { bits: 8, blockSize: 32, K: 100, N: 7 },
  ];

  it.each(cases)('bits $bits block $blockSize, K $K N $N: ORT computes x · dequant(W), within quantization error of x · W', async ({ bits, blockSize, K, N }) => {
    const M = 5;
    const w = gaussian(K * N, K * 31 + N, 0.05);
    const a = gaussian(M * K, 7 + bits);
    const q = quantizeMatMulNBits(w, K, N, bits, blockSize);
    expect(q.bShape).toEqual([N, Math.ceil(K / blockSize), (blockSize * bits) / 8]);
    expect(q.zeroPoints.length).toBe(N * Math.ceil((Math.ceil(K / blockSize) * bits) / 8));

    const y = await runMatMulNBits(q, a, M);
    const wq = dequantizeMatMulNBits(q);
    // Our reading of the layout is ORT's: its output is our dequantized weight's product to float rounding.
    const yDequant = matmul(a, wq, M, K, N);
    expect(maxAbsDiff(y, yDequant)).toBeLessThan(1e-4 * Math.max(1, rms(yDequant)));

    // And the packed weight is W up to half a quantization step per element.
    const step = Math.max(...q.scales);
    expect(maxAbsDiff(wq, w)).toBeLessThanOrEqual(step / 2 + 1e-7);
    const yExact = matmul(a, w, M, K, N);
    const relative = rms(Array.from(y, (v, i) => v - yExact[i])) / rms(yExact);
    expect(relative).toBeLessThan(bits === 4 ? 0.15 : 0.01);
  });

  it('gives the same packing from the nn.Linear [N, K] layout', () => {
    const K = 96;
    const N = 12;
    const w = gaussian(K * N, 3);
    const wNK = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) wNK[n * K + k] = w[k * N + n];
    const a = quantizeMatMulNBits(w, K, N, 4, 32);
    const b = quantizeLinearNBits(wNK, N, K, 4, 32);
    expect(b.b).toEqual(a.b);
    expect(b.scales).toEqual(a.scales);
    expect(b.zeroPoints).toEqual(a.zeroPoints);
    const adapter = linearNBitsQuantizer(32)(wNK, N, K, 4);
    expect(adapter.packed).toEqual(a.b);
  });

  it('keeps zero exactly and survives all-zero blocks', async () => {
    const K = 64;
    const N = 4;
    const w = new Float32Array(K * N);
    for (let k = 0; k < 32; k++) w[k * N + 1] = k % 3 === 0 ? 0 : k / 10;
    const q = quantizeMatMulNBits(w, K, N, 4, 32);
    const wq = dequantizeMatMulNBits(q);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) if (w[k * N + n] === 0) expect(wq[k * N + n]).toBe(0);
    const y = await runMatMulNBits(q, new Float32Array(K).fill(1), 1);
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(matmul(new Float32Array(K).fill(1), wq, 1, K, N)[1], 4);
  });

  it('is usable with the int8 compute path (accuracy_level 4)', async () => {
    const K = 256;
    const N = 32;
    const M = 3;
    const w = gaussian(K * N, 11, 0.05);
    const a = gaussian(M * K, 12);
    const q = quantizeMatMulNBits(w, K, N, 4, 32);
    const y = await runMatMulNBits(q, a, M, 4);
    const yDequant = matmul(a, dequantizeMatMulNBits(q), M, K, N);
    expect(rms(Array.from(y, (v, i) => v - yDequant[i])) / rms(yDequant)).toBeLessThan(0.02);
  });

  it('refuses arguments onnxruntime would reject', () => {
    expect(() => quantizeMatMulNBits(new Float32Array(64), 32, 2, 4, 24)).toThrow(QuantizeError);
    expect(() => quantizeMatMulNBits(new Float32Array(64), 32, 2, 4, 8)).toThrow(/power of two ≥ 16/);
    expect(() => quantizeMatMulNBits(new Float32Array(63), 32, 2, 4, 32)).toThrow(/K×N/);
    expect(() => quantizeMatMulNBits(new Float32Array(64), 32, 2, 3 as 4, 32)).toThrow(/4 or 8 bits/);
  });
});

describe('half precision', () => {
  const tricky = new Float32Array([
    0, -0, 1, -1, 0.1, 1 / 3, 65504, 65519.99, 65520, 1e6, -1e6, Infinity, -Infinity,
    2 ** -14, 2 ** -24, 2 ** -25, 2 ** -25 * 1.0001, 3 * 2 ** -26, 1e-8, 5.960464477539063e-8,
    1 + 2 ** -11, 1 + 3 * 2 ** -11, 2048 + 1, 2048 + 3, 0.333251953125, -7.62939453125e-6,
  ]);

  it('rounds float32 to binary16 exactly as onnxruntime Cast does', async () => {
    const random = gaussian(4096, 5, 1000).map((v, i) => v * 10 ** ((i % 13) - 8));
    const values = new Float32Array([...tricky, ...random]);
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'cast',
        node: [{ name: 'cast', opType: 'Cast', input: ['x'], output: ['y'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DT.FLOAT16 }] }],
        input: [tensorInfo('x', DT.FLOAT, ['n'])],
        output: [tensorInfo('y', DT.FLOAT16, ['n'])],
      },
    }).finish();
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ x: new ort.Tensor('float32', values, [values.length]) });
    await session.release();
    const expected = new Uint16Array((out.y.data as Uint16Array).buffer.slice(0));
    expect(Array.from(floatsToHalf(values))).toEqual(Array.from(expected));
  });

  it('widens binary16 and bfloat16 back exactly', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const f = halfBitsToFloat(h);
      const ok = Number.isNaN(f) ? (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0 : floatToHalfBits(f) === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(Array.from(halfToFloats(new Uint16Array([0x3c00, 0xc000, 0x7bff])))).toEqual([1, -2, 65504]);
    expect(Array.from(bfloat16ToFloats(new Uint16Array([0x3f80, 0xc040, 0x0000])))).toEqual([1, -3, 0]);
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(NaN)))).toBe(true);
  });
});
