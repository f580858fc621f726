// Structural check of a JPEG 2000 codestream (ITU-T T.800 Annex A) before it reaches OpenJPEG, which on damaged
// input may return zeros or garbage instead of failing. We walk the main header's marker segments and the
// tile-part chain (SOT Psot lengths) up to EOC, so a broken marker or a cut stream is caught here.
import { CodecFailure } from './failures';

const SOC = 0xff4f;
const SIZ = 0xff51;
const SOT = 0xff90;
const EOC = 0xffd9;
/** Main header marker segments allowed between SIZ and the first SOT (T.800 Table A.2, plus Part 15 CAP/CPF). */
const MAIN_HEADER_MARKERS = new Set([0xff50, 0xff52, 0xff53, 0xff55, 0xff57, 0xff59, 0xff5c, 0xff5d, 0xff5e, 0xff5f, 0xff60, 0xff63, 0xff64]);

function u16(d: Uint8Array, i: number): number {
  return (d[i] << 8) | d[i + 1];
}
function u32(d: Uint8Array, i: number): number {
  return ((d[i] << 24) >>> 0) + (d[i + 1] << 16) + (d[i + 2] << 8) + d[i + 3];
}

/** Returns the raw codestream, unwrapping a JP2 file (ISO/IEC 15444-1 Annex I) if a writer left one in. */
function unwrapJp2(data: Uint8Array): Uint8Array {
  if (data.length >= 12 && u32(data, 0) === 12 && u32(data, 4) === 0x6a502020) {
    let i = 0;
    while (i + 8 <= data.length) {
      let length = u32(data, i);
      const type = u32(data, i + 4);
      let header = 8;
      if (length === 1) {
        if (i + 16 > data.length) break;
        length = u32(data, i + 8) * 2 ** 32 + u32(data, i + 12);
        header = 16;
      } else if (length === 0) {
        length = data.length - i;
      }
      if (length < header) break;
      if (type === 0x6a703263) return data.subarray(i + header, Math.min(data.length, i + length)); // 'jp2c'
      i += length;
    }
    throw new CodecFailure('JP2 wrapper without a contiguous codestream box');
  }
  return data;
}

export interface J2kSize {
  width: number;
  height: number;
  components: number;
  /** Bit depth of the first component. */
  precision: number;
  signed: boolean;
}

export function extractJ2kCodestream(frame: Uint8Array): Uint8Array {
  const d = unwrapJp2(frame);
  if (d.length < 4 || u16(d, 0) !== SOC || u16(d, 2) !== SIZ) throw new CodecFailure('not a JPEG 2000 codestream (no SOC/SIZ marker)');
  let i = 2;
  // Main header: SIZ, then marker segments until the first SOT.
  while (true) {
    if (i + 4 > d.length) throw new CodecFailure('codestream ends inside the main header');
    const marker = u16(d, i);
    if (marker === SOT) break;
    if (marker !== SIZ && !MAIN_HEADER_MARKERS.has(marker)) {
      throw new CodecFailure(`invalid marker 0x${marker.toString(16).toUpperCase()} at byte ${i} of the main header`);
    }
    const length = u16(d, i + 2);
    if (length < 2 || i + 2 + length > d.length) throw new CodecFailure(`marker 0x${marker.toString(16).toUpperCase()} at byte ${i} runs past the codestream`);
    i += 2 + length;
  }
  // Tile-parts: each SOT gives the tile-part length Psot (A.4.2); 0 means "up to EOC" and only for the last one.
  while (true) {
    if (i + 2 > d.length) throw new CodecFailure('codestream ends without an EOC marker (truncated)');
    const marker = u16(d, i);
    if (marker === EOC) break;
    if (marker !== SOT) throw new CodecFailure(`expected a tile-part (SOT) or EOC marker at byte ${i}, found 0x${marker.toString(16).toUpperCase()}`);
    if (i + 12 > d.length) throw new CodecFailure('codestream ends inside a tile-part header (truncated)');
    const lsot = u16(d, i + 2);
    const psot = u32(d, i + 6);
    if (lsot !== 10) throw new CodecFailure(`tile-part header at byte ${i} has length ${lsot}, expected 10`);
    if (psot === 0) {
      // Last tile-part runs to EOC; the stream must still end with EOC (allowing DICOM's even-length padding).
      let end = d.length;
      while (end > i && d[end - 1] === 0) end--;
      if (end - i < 14 || u16(d, end - 2) !== EOC) throw new CodecFailure('codestream ends without an EOC marker (truncated)');
      break;
    }
    if (psot < 14 || i + psot > d.length) throw new CodecFailure(`tile-part at byte ${i} claims ${psot} bytes, past the end of the codestream (truncated)`);
    i += psot;
  }
  return d;
}

/** Reads the image size from SIZ (A.5.1). Assumes `extractJ2kCodestream` accepted the codestream. */
export function readJ2kSize(d: Uint8Array): J2kSize {
  const xsiz = u32(d, 8);
  const ysiz = u32(d, 12);
  const xo = u32(d, 16);
  const yo = u32(d, 20);
  const components = u16(d, 40);
  const ssiz = d[42];
  return { width: xsiz - xo, height: ysiz - yo, components, precision: (ssiz & 0x7f) + 1, signed: (ssiz & 0x80) !== 0 };
}
