// PALETTE COLOR (PS3.3 C.7.6.3.1.5–6): each stored value indexes a red, a green and a blue lookup table. The viewer
// and the model view are grey, so a palette image is shown as the BT.601 luminance of its colours, as colour
// secondary captures are. Segmented tables (C.7.9.2) are expanded first.
import type { LutTable } from '../domain/study';
import { minMax } from './min-max';

export interface Palette {
  red: LutTable;
  green: LutTable;
  blue: LutTable;
}

export class PaletteError extends Error {
  override name = 'PaletteError';
}

/**
 * Expands Segmented Palette Color Lookup Table Data (C.7.9.2): discrete (opcode 0), linear (1) and indirect (2)
 * segments. A linear segment interpolates from the previous entry to its end value over its length, rounding.
 * An indirect segment's offset counts bytes from the start of the data (C.7.9.2.3); `wordBytes` is 2 for 16-bit
 * entries, 1 for 8-bit ones.
 */
export function expandSegmentedLut(words: ArrayLike<number>, wordBytes: 1 | 2, maxEntries = 65536): number[] {
  const out: number[] = [];
  const expand = (start: number, segments: number): void => {
    let at = start;
    for (let done = 0; done < segments && at + 1 < words.length; done++) {
      const opcode = words[at];
      const length = words[at + 1];
      at += 2;
      if (out.length + length > maxEntries) throw new PaletteError(`the segmented palette expands past ${maxEntries} entries`);
      if (opcode === 0) {
        if (at + length > words.length) throw new PaletteError('a discrete palette segment runs past the data');
        for (let k = 0; k < length; k++) out.push(words[at + k]);
        at += length;
      } else if (opcode === 1) {
        if (out.length === 0) throw new PaletteError('a segmented palette cannot start with a linear segment');
        const y0 = out[out.length - 1];
        const y1 = words[at];
        at += 1;
        for (let k = 1; k <= length; k++) out.push(Math.round(y0 + ((y1 - y0) * k) / length));
      } else if (opcode === 2) {
        if (out.length === 0) throw new PaletteError('a segmented palette cannot start with an indirect segment');
        // 32-bit byte offset, least significant word first (C.7.9.2.3).
        const offset = words[at] + words[at + 1] * 65536;
        at += 2;
        if (offset % wordBytes !== 0 || offset / wordBytes >= words.length) throw new PaletteError('an indirect palette segment points outside the data');
        if (segments !== Infinity) throw new PaletteError('nested indirect palette segments are not supported');
        expand(offset / wordBytes, length);
      } else {
        throw new PaletteError(`unknown palette segment type ${opcode}`);
      }
    }
  };
  expand(0, Infinity);
  return out;
}

/** 8-bit display value of one table entry: entries scale from their own range (8 or 16 bits) to 0–255. */
function channel(lut: LutTable): (value: number) => number {
  const data = lut.data;
  if (data.length === 0) throw new PaletteError('a palette colour lookup table is empty');
  let top = 2 ** Math.min(Math.max(lut.bitsPerEntry, 1), 16) - 1;
  for (const v of data) if (v > top) top = 65535;
  const last = data.length - 1;
  return (value) => {
    // Values below the first mapped one take the first entry, above the table the last (C.7.6.3.1.5).
    const i = Math.round(value) - lut.firstMapped;
    return (data[i <= 0 ? 0 : i >= last ? last : i] / top) * 255;
  };
}

/** Grey level (BT.601 luminance, 0–255, unrounded) of every stored value through the palette. */
export function paletteToGrey(values: ArrayLike<number>, palette: Palette): Float64Array {
  const r = channel(palette.red);
  const g = channel(palette.green);
  const b = channel(palette.blue);
  const out = new Float64Array(values.length);
  // One table over the stored range when it is small (always, for 8- and 16-bit data).
  const { min, max } = minMax(values);
  const luma = (v: number) => 0.299 * r(v) + 0.587 * g(v) + 0.114 * b(v);
  if (values.length > 0 && Number.isInteger(min) && Number.isInteger(max) && max - min < 1 << 20) {
    const table = new Float64Array(max - min + 1);
    for (let k = 0; k < table.length; k++) table[k] = luma(min + k);
    for (let i = 0; i < values.length; i++) out[i] = table[values[i] - min];
  } else {
    for (let i = 0; i < values.length; i++) out[i] = luma(values[i]);
  }
  return out;
}
