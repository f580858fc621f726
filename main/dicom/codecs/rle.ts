// RLE Lossless decoder, PS3.5 Annex G: a 64-byte header (segment count + 15 offsets) followed by PackBits
// segments, one per byte plane, most significant byte first for each sample (G.2, G.3.1).
import type { PixelLayout } from '../pixels';

export class RleDecodeError extends Error {
  override name = 'RleDecodeError';
}

/** PackBits (G.3.1) into `out` at `start`, `length` bytes with stride `stride`; returns bytes produced. */
function unpackSegment(src: Uint8Array, from: number, to: number, out: Uint8Array, start: number, stride: number, length: number): number {
  let produced = 0;
  let i = from;
  while (i < to && produced < length) {
    const n = src[i++];
    if (n < 128) {
      // Literal run of n+1 bytes.
      const count = Math.min(n + 1, to - i, length - produced);
      for (let k = 0; k < count; k++) out[start + (produced + k) * stride] = src[i + k];
      i += n + 1;
      produced += count;
    } else if (n > 128) {
      // Replicate the next byte 257-n times.
      if (i >= to) break;
      const value = src[i++];
      const count = Math.min(257 - n, length - produced);
      for (let k = 0; k < count; k++) out[start + (produced + k) * stride] = value;
      produced += count;
    }
    // n === 128 is a no-op (G.3.1).
  }
  return produced;
}

/**
 * Decodes one RLE frame into little-endian pixel cells, colour-by-pixel, ready for `cellsToStored`.
 * Throws RleDecodeError when the header or a segment does not match the image size.
 */
export function decodeRle(frame: Uint8Array, l: PixelLayout): Uint8Array {
  if (frame.length < 64) throw new RleDecodeError('RLE header shorter than 64 bytes');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const bytesPerSample = l.bitsAllocated === 1 ? 1 : l.bitsAllocated / 8;
  const expected = l.samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw new RleDecodeError(`RLE header lists ${segments} segments, the image needs ${expected}`);
  const pixels = l.bitsAllocated === 1 ? Math.ceil((l.rows * l.columns) / 8) : l.rows * l.columns;
  const out = new Uint8Array(pixels * expected);
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  for (let s = 0; s < segments; s++) {
    const from = offsets[s];
    const to = s + 1 < segments ? offsets[s + 1] : frame.length;
    if (from < 64 || from > frame.length || to > frame.length || to < from) throw new RleDecodeError(`RLE segment ${s + 1} offset is outside the frame`);
    // Segment s holds byte (bytesPerSample-1-b) of sample `sample`; output is little-endian, colour-by-pixel.
    const sample = Math.floor(s / bytesPerSample);
    const byteFromMsb = s % bytesPerSample;
    const byteInCell = bytesPerSample - 1 - byteFromMsb;
    const start = sample * bytesPerSample + byteInCell;
    const produced = unpackSegment(frame, from, to, out, start, expected, pixels);
    if (produced < pixels) throw new RleDecodeError(`RLE segment ${s + 1} decodes to ${produced} bytes, expected ${pixels}`);
  }
  return out;
}
