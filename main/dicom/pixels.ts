// From frame bytes to stored values: PS3.5 8.1.1 (pixel cells: BitsAllocated / BitsStored / HighBit),
// PS3.5 8.2 byte order, PS3.3 C.7.6.3.1.3 (Planar Configuration) and C.7.6.3.1.1 (Samples per Pixel).
import type { StoredArray, StoredDtype } from './types';

export interface PixelLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  /** 1 = colour-by-plane (RRR…GGG…BBB…), converted here to colour-by-pixel. */
  planarConfiguration: number;
}

export function samplesPerFrame(l: PixelLayout): number {
  return l.rows * l.columns * l.samplesPerPixel;
}

/** Bytes one native frame occupies (bit-packed for BitsAllocated 1, PS3.5 8.1.1). */
export function nativeFrameBytes(l: PixelLayout): number {
  const samples = samplesPerFrame(l);
  return l.bitsAllocated === 1 ? Math.ceil(samples / 8) : samples * (l.bitsAllocated / 8);
}

export function dtypeFor(bitsAllocated: number, signed: boolean): StoredDtype {
  if (bitsAllocated <= 8) return signed ? 'int8' : 'uint8';
  if (bitsAllocated <= 16) return signed ? 'int16' : 'uint16';
  return signed ? 'int32' : 'uint32';
}

export function dtypeOfArray(a: StoredArray): StoredDtype {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint32Array) return 'uint32';
  return 'int32';
}

export function allocate(dtype: StoredDtype, n: number): StoredArray {
  switch (dtype) {
    case 'uint8': return new Uint8Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int32': return new Int32Array(n);
  }
}

/**
 * Reads `samples` pixel cells of `bitsAllocated` from `bytes` and keeps only the BitsStored bits ending at HighBit,
 * sign-extending them when PixelRepresentation is 1. Overlay or garbage bits above HighBit are dropped (PS3.5 8.1.1).
 */
export function cellsToStored(bytes: Uint8Array, littleEndian: boolean, l: PixelLayout, samples = samplesPerFrame(l), stats?: { min: number; max: number }): StoredArray {
  const signed = l.pixelRepresentation === 1;
  const ba = l.bitsAllocated;
  const bs = Math.min(Math.max(l.bitsStored, 1), ba);
  const shift = Math.max(0, Math.min(l.highBit + 1 - bs, ba - bs));
  const dtype = dtypeFor(ba, signed);
  const out = allocate(dtype, samples);
  if (ba === 1) {
    // PS3.5 8.1.1 / Annex D: bits packed little-endian, first pixel in the least significant bit.
    for (let i = 0; i < samples; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
    return out;
  }
  if (ba === 8 || ba === 16) {
    // Copy the cells straight into the output's buffer (one memcpy for little endian), then mask in place.
    const raw = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if (ba === 8 || littleEndian) raw.set(bytes.subarray(0, out.byteLength));
    else for (let i = 0; i < out.byteLength; i += 2) {
      raw[i] = bytes[i + 1];
      raw[i + 1] = bytes[i];
    }
    if (!needsMaskOrShift(bs, ba, shift)) return out;
    const mask = (1 << bs) - 1;
    const up = 32 - bs;
    if (out instanceof Uint16Array) {
      // The common case (12–15 bits stored in 16): mask and find the range in one pass.
      let min = 65535;
      let max = 0;
      for (let i = 0; i < samples; i++) {
        const v = (out[i] >> shift) & mask;
        out[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (stats && samples > 0) {
        stats.min = min;
        stats.max = max;
      }
    } else if (out instanceof Int16Array) {
      // Read the raw cell as unsigned before masking: Int16Array values are already sign-interpreted.
      const cells = new Uint16Array(out.buffer, out.byteOffset, samples);
      for (let i = 0; i < samples; i++) out[i] = (((cells[i] >> shift) & mask) << up) >> up;
    } else if (out instanceof Uint8Array) for (let i = 0; i < samples; i++) out[i] = (out[i] >> shift) & mask;
    else {
      const cells = new Uint8Array(out.buffer, out.byteOffset, samples);
      for (let i = 0; i < samples; i++) out[i] = (((cells[i] >> shift) & mask) << up) >> up;
    }
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const full = 2 ** bs;
  const signBit = 2 ** (bs - 1);
  for (let i = 0; i < samples; i++) {
    let v = Math.floor(view.getUint32(4 * i, littleEndian) / 2 ** shift) % full;
    if (signed && v >= signBit) v -= full;
    out[i] = v;
  }
  return out;
}

function needsMaskOrShift(bs: number, ba: number, shift: number): boolean {
  return bs < ba || shift > 0;
}

/** Colour-by-plane → colour-by-pixel (PS3.3 C.7.6.3.1.3). */
export function interleavePlanes<T extends StoredArray>(planar: T, pixelsPerFrame: number, samplesPerPixel: number): T {
  const out = planar.slice() as T;
  for (let s = 0; s < samplesPerPixel; s++) {
    const base = s * pixelsPerFrame;
    for (let p = 0; p < pixelsPerFrame; p++) out[p * samplesPerPixel + s] = planar[base + p];
  }
  return out;
}
