// Codec samples → stored values of the DICOM dtype: keep BitsStored bits, sign-extend when Pixel Representation
// is 1 (PS3.5 8.1.1). Done in one pass straight from the codec's output, which may be a view into a WASM heap,
// so no intermediate copy is made.
import type { StoredArray } from '../types';

export interface StoredLayout {
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
}

export function toStored(src: Uint8Array | Int8Array | Uint16Array | Int16Array, l: StoredLayout): StoredArray {
  const signed = l.pixelRepresentation === 1;
  const wide = l.bitsAllocated > 8;
  const bs = Math.min(l.bitsStored, wide ? 16 : 8);
  const n = src.length;
  const out: StoredArray = wide ? (signed ? new Int16Array(n) : new Uint16Array(n)) : signed ? new Int8Array(n) : new Uint8Array(n);
  const full = bs === (wide ? 16 : 8);
  // Same width, all bits kept: typed-array assignment wraps modulo 2^n, so the bit pattern is copied unchanged.
  if (full && src.BYTES_PER_ELEMENT === out.BYTES_PER_ELEMENT) {
    out.set(src);
    return out;
  }
  const mask = (1 << bs) - 1;
  const up = 32 - bs;
  if (signed) for (let i = 0; i < n; i++) out[i] = ((src[i] & mask) << up) >> up;
  else for (let i = 0; i < n; i++) out[i] = src[i] & mask;
  return out;
}
