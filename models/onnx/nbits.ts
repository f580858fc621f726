// Blockwise asymmetric quantization of an nn.Linear weight [N, K] into com.microsoft MatMulNBits' layout:
// B uint8 [N, ceil(K/block), block·bits/8] (4-bit: element 2i in the low nibble), scales float [N·blocks],
// zero points uint8 (4-bit: two per byte, low nibble first, rows padded to whole bytes). Dequantised w = (q − zp)·scale.
import type { NBitsQuantizer, NBitsWeight } from './paligemma';

export const DEFAULT_BLOCK_SIZE = 32;

export function quantizeNBits(weight: Float32Array, n: number, k: number, bits: 4 | 8, blockSize = DEFAULT_BLOCK_SIZE): NBitsWeight {
  const blocks = Math.ceil(k / blockSize);
  const blob = (blockSize * bits) / 8;
  const qmax = (1 << bits) - 1;
  const packed = new Uint8Array(n * blocks * blob);
  const scales = new Float32Array(n * blocks);
  const zpRow = bits === 4 ? Math.ceil(blocks / 2) : blocks;
  const zeroPoints = new Uint8Array(n * zpRow);
  const q = new Uint8Array(blockSize);
  for (let r = 0; r < n; r++) {
    const row = r * k;
    for (let b = 0; b < blocks; b++) {
      const start = b * blockSize;
      const end = Math.min(k, start + blockSize);
      let lo = 0;
      let hi = 0;
      for (let i = start; i < end; i++) {
        const v = weight[row + i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const scale = Math.fround((hi - lo) / qmax) || 1;
      const zp = Math.min(qmax, Math.max(0, Math.round(-lo / scale)));
      q.fill(zp);
      for (let i = start; i < end; i++) q[i - start] = Math.min(qmax, Math.max(0, Math.round(weight[row + i] / scale) + zp));
      scales[r * blocks + b] = scale;
      const base = (r * blocks + b) * blob;
      if (bits === 8) {
        packed.set(q, base);
        zeroPoints[r * zpRow + b] = zp;
      } else {
        for (let i = 0; i < blockSize; i += 2) packed[base + i / 2] = q[i] | (q[i + 1] << 4);
        const zi = r * zpRow + (b >> 1);
        zeroPoints[zi] |= b & 1 ? zp << 4 : zp;
      }
    }
  }
  return { bits, blockSize, packed, scales, zeroPoints };
}

export const nbitsQuantizer: NBitsQuantizer = (weight, n, k, bits) => quantizeNBits(weight, n, k, bits);
