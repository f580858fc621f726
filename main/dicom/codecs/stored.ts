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
   * a damaged codestream or a wrong header, so fail rather than show wrapped garbage), 'clamp' (lossy codecs may
   * overshoot the range slightly) or 'wrap' (keep the low Bits Stored bits, as a reader of the cell does, PS3.5
   * 8.1.1: what GDCM and DCMTK give for a 12-bit JPEG that overshoots 10-bit data).
   */
  outOfRange: 'strict' | 'clamp' | 'wrap';
}

export class SampleRangeError extends Error {
  override name = 'SampleRangeError';

  constructor(sample: number, bitsStored: number) {
    super(`decoded sample ${sample} does not fit in ${bitsStored} bits stored (damaged codestream or wrong Bits Stored)`);
  }
}

/** Bits Stored as far as the cell holds them (8 or 16 bits). */
export function storedBits(l: StoredLayout): number {
  return Math.min(l.bitsStored, l.bitsAllocated > 8 ? 16 : 8);
}

/** Raw range of a codec's samples: unsigned codecs give 0 … 2^bs − 1, signed ones −2^(bs−1) … 2^(bs−1) − 1. */
export function sampleRange(bs: number, signedSource: boolean): { lo: number; hi: number } {
  return signedSource ? { lo: -(2 ** (bs - 1)), hi: 2 ** (bs - 1) - 1 } : { lo: 0, hi: 2 ** bs - 1 };
}

type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array;

/** A view of the stored dtype over `src`'s own memory, when the sample widths match; else null. */
function storedViewOver(src: SampleArray, wide: boolean, signed: boolean): StoredArray | null {
  const width = wide ? 2 : 1;
  if (src.BYTES_PER_ELEMENT !== width || src.byteOffset % width !== 0) return null;
  const { buffer, byteOffset, length } = src;
  if (!(buffer instanceof ArrayBuffer)) return null;
  if (wide) return signed ? new Int16Array(buffer, byteOffset, length) : new Uint16Array(buffer, byteOffset, length);
  return signed ? new Int8Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
}

/**
 * `reuse`: `src` is a buffer the caller owns and gives up (e.g. the JS copy a WASM codec hands back), so the
 * stored values are written over it instead of into a new array: one image-sized allocation fewer at peak.
 * Each sample is read before its own slot is written, so the in-place pass is safe.
 */
export function toStored(src: SampleArray, l: StoredLayout, reuse = false, stats?: { min: number; max: number }): StoredArray {
  const signed = l.pixelRepresentation === 1;
  const wide = l.bitsAllocated > 8;
  const bs = storedBits(l);
  const n = src.length;
  const reused = reuse ? storedViewOver(src, wide, signed) : null;
  const out: StoredArray = reused ?? (wide ? (signed ? new Int16Array(n) : new Uint16Array(n)) : signed ? new Int8Array(n) : new Uint8Array(n));
  const full = bs === (wide ? 16 : 8);
  // Same width, all bits kept: typed-array assignment wraps modulo 2^n, so the bit pattern is copied unchanged.
  if (full && src.BYTES_PER_ELEMENT === out.BYTES_PER_ELEMENT) {
    if (!reused) out.set(src);
    return out;
  }
  const { lo, hi } = sampleRange(bs, src instanceof Int16Array || src instanceof Int8Array);
  const mask = (1 << bs) - 1;
  const up = 32 - bs;
  const clamp = l.outOfRange === 'clamp';
  const wrap = l.outOfRange === 'wrap';
  if (src instanceof Uint16Array && out instanceof Uint16Array && !wrap) {
    unsignedToStored(src, out, hi, clamp, bs, stats);
    return out;
  }
  for (let i = 0; i < n; i++) {
    let v = src[i];
    if (!wrap && (v < lo || v > hi)) {
      if (!clamp) throw new SampleRangeError(v, bs);
      v = v < lo ? lo : hi;
    }
    out[i] = signed ? ((v & mask) << up) >> up : v & mask;
  }
  return out;
}

/**
 * Unsigned 16-bit samples to unsigned stored values, the usual CR/DX case, in a loop that sees one array type
 * only (several times faster than the generic loop) and notes min/max on the way, saving decode a second pass.
 * A sample within 0 … hi already has only Bits Stored bits, so masking changes nothing.
 */
function unsignedToStored(src: Uint16Array, out: Uint16Array, hi: number, clamp: boolean, bs: number, stats?: { min: number; max: number }): void {
  let min = 65535;
  let max = 0;
  for (let i = 0; i < src.length; i++) {
    let v = src[i];
    if (v > hi) {
      if (!clamp) throw new SampleRangeError(v, bs);
      v = hi;
    }
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (stats && src.length > 0) {
    stats.min = min;
    stats.max = max;
  }
}
