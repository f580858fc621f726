// Weight packing for onnxruntime's com.microsoft MatMulNBits (contrib op, onnxruntime ≥ 1.17, checked on 1.30) and
// IEEE half-precision conversions for fp16 graphs.
//
// MatMulNBits computes Y = A · dequant(B)ᵀ where B holds the weight transposed, one row per output column n:
//   B           uint8 [N, nBlocks, blobSize], nBlocks = ceil(K / blockSize), blobSize = blockSize · bits / 8;
//               4-bit codes are packed two per byte, the even k in the low nibble.
//   scales      T1 (float32 here) [N, nBlocks] (the op accepts the flat [N · nBlocks] too).
//   zero_points uint8, packed like B along the blocks of a row: [N · ceil(nBlocks · bits / 8)]; 4-bit rows are padded
//               to a whole byte. Absent means 2^(bits−1).
//   w[k, n] = (code − zero_point) · scale of k's block.
// The quantization is asymmetric min/max over each block with the range widened to include 0 (so 0 is exact), the
// scheme of onnxruntime's own MatMul4BitsQuantizer (MlasQuantizeBlockwise).

export class QuantizeError extends Error {
  override name = 'QuantizeError';
}

export type NBits = 4 | 8;

export interface MatMulNBitsWeights {
  /** Node attributes K, N, bits, block_size. */
  K: number;
  N: number;
  bits: NBits;
  blockSize: number;
  nBlocks: number;
  blobSize: number;
  /** Input B: uint8 [N, nBlocks, blobSize]. */
  b: Uint8Array;
  bShape: [number, number, number];
  /** Input scales: float32 [N, nBlocks]. */
  scales: Float32Array;
  scalesShape: [number, number];
  /** Input zero_points: packed uint8 [N · ceil(nBlocks · bits / 8)]. */
  zeroPoints: Uint8Array;
  zeroPointsShape: [number];
}

function checkArguments(length: number, K: number, N: number, bits: number, blockSize: number): void {
  if (bits !== 4 && bits !== 8) throw new QuantizeError(`MatMulNBits packing supports 4 or 8 bits, not ${bits}`);
  // onnxruntime requires a power of two of at least 16 (its MLAS kernels use 16…256).
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new QuantizeError(`block size must be a power of two ≥ 16, got ${blockSize}`);
  }
  if (!Number.isInteger(K) || !Number.isInteger(N) || K <= 0 || N <= 0) {
    throw new QuantizeError(`weight dimensions must be positive integers, got K=${K} N=${N}`);
  }
  if (length !== K * N) throw new QuantizeError(`weight has ${length} values but K×N = ${K}×${N} = ${K * N}`);
}

interface Packing {
  K: number;
  bits: NBits;
  blockSize: number;
  nBlocks: number;
  blobSize: number;
  zpRowBytes: number;
  b: Uint8Array;
  scales: Float32Array;
  zeroPoints: Uint8Array;
}

/** Quantizes one block of output column n: `count` weights read from w[start], w[start + stride], … */
function packBlock(p: Packing, w: Float32Array, start: number, stride: number, count: number, n: number, blk: number): void {
  const qmax = (1 << p.bits) - 1;
  let lo = 0;
  let hi = 0;
  for (let i = 0, at = start; i < count; i++, at += stride) {
    const v = w[at];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = Math.fround((hi - lo) / qmax);
  const zp = scale === 0 ? 0 : Math.min(qmax, Math.max(0, Math.round(-lo / scale)));
  const reciprocal = scale === 0 ? 0 : Math.fround(1 / scale);
  p.scales[n * p.nBlocks + blk] = scale;
  const base = (n * p.nBlocks + blk) * p.blobSize;
  if (p.bits === 8) {
    p.zeroPoints[n * p.zpRowBytes + blk] = zp;
    for (let i = 0, at = start; i < count; i++, at += stride) {
      p.b[base + i] = Math.min(qmax, Math.max(0, Math.round(w[at] * reciprocal) + zp));
    }
    // Padding past K holds the zero point, which dequantizes to exactly 0.
    p.b.fill(zp, base + count, base + p.blockSize);
  } else {
    p.zeroPoints[n * p.zpRowBytes + (blk >> 1)] |= blk & 1 ? zp << 4 : zp;
    for (let i = 0, at = start; i < p.blockSize; i += 2, at += 2 * stride) {
      const q0 = i < count ? Math.min(qmax, Math.max(0, Math.round(w[at] * reciprocal) + zp)) : zp;
      const q1 = i + 1 < count ? Math.min(qmax, Math.max(0, Math.round(w[at + stride] * reciprocal) + zp)) : zp;
      p.b[base + (i >> 1)] = q0 | (q1 << 4);
    }
  }
}

/**
 * Quantizes a weight matrix for MatMulNBits. `layout` says how `w` is stored: 'KN' is the MatMul right-hand side
 * (y = x · W, row-major [K, N]); 'NK' is nn.Linear's weight (y = x · Wᵀ, row-major [N, K]). Both are read in place,
 * in an order that keeps each block's cache lines hot, without a transposed copy (a 2.4 GB tied embedding needs no
 * second buffer).
 */
function quantize(w: Float32Array, K: number, N: number, bits: NBits, blockSize: number, layout: 'KN' | 'NK'): MatMulNBitsWeights {
  checkArguments(w.length, K, N, bits, blockSize);
  const nBlocks = Math.ceil(K / blockSize);
  const blobSize = (blockSize * bits) / 8;
  const zpRowBytes = Math.ceil((nBlocks * bits) / 8);
  const p: Packing = {
    K,
    bits,
    blockSize,
    nBlocks,
    blobSize,
    zpRowBytes,
    b: new Uint8Array(N * nBlocks * blobSize),
    scales: new Float32Array(N * nBlocks),
    zeroPoints: new Uint8Array(N * zpRowBytes),
  };
  for (let blk = 0; blk < nBlocks; blk++) {
    const k0 = blk * blockSize;
    const count = Math.min(K, k0 + blockSize) - k0;
    if (layout === 'KN') {
      // Neighbouring columns share the block's rows: walking n innermost reuses the same cache lines.
      for (let n = 0; n < N; n++) packBlock(p, w, k0 * N + n, N, count, n, blk);
    }
  }
  if (layout === 'NK') {
    for (let n = 0; n < N; n++) {
      for (let blk = 0; blk < nBlocks; blk++) {
        const k0 = blk * blockSize;
        packBlock(p, w, n * K + k0, 1, Math.min(K, k0 + blockSize) - k0, n, blk);
      }
    }
  }
  return {
    K,
    N,
    bits,
    blockSize,
    nBlocks,
    blobSize,
    b: p.b,
    bShape: [N, nBlocks, blobSize],
    scales: p.scales,
    scalesShape: [N, nBlocks],
    zeroPoints: p.zeroPoints,
    zeroPointsShape: [p.zeroPoints.length],
  };
}

/** Packs W, row-major [K, N] with y = x · W (a MatMul's right-hand side), for MatMulNBits. */
export function quantizeMatMulNBits(w: Float32Array, K: number, N: number, bits: NBits, blockSize: number): MatMulNBitsWeights {
  return quantize(w, K, N, bits, blockSize, 'KN');
}

/** Packs an nn.Linear weight, row-major [N, K] (out × in, y = x · Wᵀ), for MatMulNBits; no transpose needed. */
export function quantizeLinearNBits(weight: Float32Array, N: number, K: number, bits: NBits, blockSize: number): MatMulNBitsWeights {
  return quantize(weight, K, N, bits, blockSize, 'NK');
}

/** The weight MatMulNBits will effectively multiply by, as row-major [K, N] float32 (for checks and error budgets). */
export function dequantizeMatMulNBits(q: MatMulNBitsWeights): Float32Array {
  const { K, N, bits, nBlocks, blobSize, blockSize } = q;
  const zpRowBytes = q.zeroPoints.length / N;
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < nBlocks; blk++) {
      const scale = q.scales[n * nBlocks + blk];
      const zpByte = q.zeroPoints[n * zpRowBytes + (bits === 8 ? blk : blk >> 1)];
      const z = bits === 8 ? zpByte : blk & 1 ? zpByte >> 4 : zpByte & 0x0f;
      const base = (n * nBlocks + blk) * blobSize;
      for (let i = 0; i < blockSize; i++) {
        const k = blk * blockSize + i;
        if (k >= K) break;
        const byte = q.b[base + (bits === 8 ? i : i >> 1)];
        const code = bits === 8 ? byte : i & 1 ? byte >> 4 : byte & 0x0f;
        out[k * N + n] = Math.fround((code - z) * scale);
      }
    }
  }
  return out;
}

/** Attributes for the MatMulNBits node that consumes `q`. accuracy_level 4 lets MLAS use int8 kernels (faster). */
export function matMulNBitsAttributes(q: MatMulNBitsWeights, accuracyLevel: 0 | 1 | 4 = 0): Record<'K' | 'N' | 'bits' | 'block_size' | 'accuracy_level', number> {
  return { K: q.K, N: q.N, bits: q.bits, block_size: q.blockSize, accuracy_level: accuracyLevel };
}

/**
 * A quantizer in the shape the graph builder's NBitsQuantizer takes (nn.Linear [N, K] weight), for a fixed block
 * size; returns the builder's field names (packed, scales, zeroPoints).
 */
export function linearNBitsQuantizer(blockSize: number) {
  return (weight: Float32Array, n: number, k: number, bits: NBits) => {
    const q = quantizeLinearNBits(weight, n, k, bits, blockSize);
    return { bits, blockSize, packed: q.b, scales: q.scales, zeroPoints: q.zeroPoints };
  };
}

// ---- IEEE 754 binary16 -------------------------------------------------------------------------------------------

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** binary16 bits of one float32, round to nearest even, overflow to ±Inf, NaN kept quiet (as numpy/torch .half()). */
export function floatToHalfBits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the full significand, rounding to nearest even.
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    let m = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && (m & 1) === 1)) m++;
    return sign | m;
  }
  // Normal: rounding may carry into the exponent, which the plain addition handles (up to Inf).
  let bits = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (bits & 1) === 1)) bits++;
  return sign | bits;
}

export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function floatsToHalf(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = floatToHalfBits(data[i]);
  return out;
}

export function halfToFloats(data: Uint16Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = halfBitsToFloat(data[i]);
  return out;
}

/** bfloat16 is the top half of a float32: widening is exact. */
export function bfloat16ToFloats(data: Uint16Array): Float32Array {
  const bits = new Uint32Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = data[i] << 16;
  return new Float32Array(bits.buffer);
}
