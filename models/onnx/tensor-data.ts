// Weight layout and precision conversions done at import time (one tensor at a time).
import { floatsToHalf } from './quantize';

/** Row-major [rows, cols] → [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const B = 64;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = data[base + c];
      }
    }
  }
  return out;
}

/** fp16 bytes (round to nearest even) of float32 data. */
export function toFloat16Bytes(data: Float32Array): Uint8Array {
  return new Uint8Array(floatsToHalf(data).buffer);
}
