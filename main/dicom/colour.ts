// Colour handling for secondary captures: PS3.3 C.7.6.3.1.2 photometric interpretations.
import { paletteToGrey } from '../../app/imaging/palette';
import { UnsupportedSyntaxError } from './errors';
import type { DecodedImage, StoredArray } from './types';

/**
 * YBR_FULL_422 native data hold two luminance samples per chroma pair: Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).
 * Expands to YBR_FULL, colour-by-pixel.
 */
export function expandYbr422(src: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = new Uint8Array(rows * columns * 3);
  let s = 0;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c += 2) {
      const y1 = src[s];
      const y2 = src[s + 1];
      const cb = src[s + 2];
      const cr = src[s + 3];
      s += 4;
      out[o++] = y1; out[o++] = cb; out[o++] = cr;
      if (c + 1 < columns) {
        out[o++] = y2; out[o++] = cb; out[o++] = cr;
      }
    }
  }
  return out;
}

/** Bytes a native YBR_FULL_422 frame occupies. */
export function ybr422FrameBytes(rows: number, columns: number): number {
  return rows * Math.ceil(columns / 2) * 4;
}

/**
 * Luminance of colour-by-pixel samples as one grey sample per pixel: Y itself for YBR_* (the luma of
 * ITU-R BT.601 as PS3.3 C.7.6.3.1.2 defines YBR_FULL), else the BT.601 weighting of R, G, B.
 */
export function colourToGrey(samples: StoredArray, pixels: number, photometric: string): Float64Array {
  const out = new Float64Array(pixels);
  if (photometric.startsWith('YBR')) {
    for (let p = 0; p < pixels; p++) out[p] = samples[3 * p];
  } else {
    for (let p = 0; p < pixels; p++) out[p] = 0.299 * samples[3 * p] + 0.587 * samples[3 * p + 1] + 0.114 * samples[3 * p + 2];
  }
  return out;
}

/**
 * One grey value per pixel (0–255, unrounded) for a colour frame: the luminance of its samples, or of its palette
 * colours for PALETTE COLOR (PS3.3 C.7.6.3.1.5); null for a grey frame. The viewer and the model view are grey:
 * a chest radiograph carries no colour information.
 */
export function greyOfColour(d: DecodedImage): Float64Array | null {
  if (d.samplesPerPixel === 3) return colourToGrey(d.pixels, d.rows * d.columns, d.photometricInterpretation);
  if (d.photometricInterpretation !== 'PALETTE COLOR') return null;
  if (!d.palette) throw new UnsupportedSyntaxError(d.header.filePath, 'a palette colour image without its Palette Color Lookup Tables cannot be shown');
  return paletteToGrey(d.pixels, d.palette);
}
