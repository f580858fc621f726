// Codec samples → stored values of the DICOM dtype: keep BitsStored bits, sign-extend when Pixel Representation
// is 1 (PS3.5 8.1.1). Done in one pass straight from the codec's output, which may be a view into a WASM heap,
// so no intermediate copy is made.
import type { StoredArray } from '../types';

export interface StoredLayout {
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  /**
   * What to do with samples that do not fit in Bits Stored: 'strict' (lossless codecs: such values only come from
   * a damaged codestream or a wrong header, so fail rather than show wrapped garbage) or 'clamp' (lossy codecs may
   * overshoot the range slightly).
   */
  outOfRange: 'strict' | 'clamp';
}

export class SampleRangeError extends Error {
  override name = 'SampleRangeError';
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
  // Raw range of the codec's samples: unsigned codecs give 0 … 2^bs − 1, signed ones −2^(bs−1) … 2^(bs−1) − 1.
  const srcSigned = src instanceof Int16Array || src instanceof Int8Array;
  const lo = srcSigned ? -(2 ** (bs - 1)) : 0;
  const hi = srcSigned ? 2 ** (bs - 1) - 1 : 2 ** bs - 1;
  const mask = (1 << bs) - 1;
  const up = 32 - bs;
  const clamp = l.outOfRange === 'clamp';
  for (let i = 0; i < n; i++) {
    let v = src[i];
    if (v < lo || v > hi) {
      if (!clamp) throw new SampleRangeError(`decoded sample ${v} does not fit in ${bs} bits stored (damaged codestream or wrong Bits Stored)`);
      v = v < lo ? lo : hi;
    }
    out[i] = signed ? ((v & mask) << up) >> up : v & mask;
  }
  return out;
}
