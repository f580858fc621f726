// Reads the Palette Color Lookup Table module (PS3.3 C.7.6.3.1.5–6, C.7.9): descriptors (0028,1101–1103), data
// (0028,1201–1203) or segmented data (0028,1221–1223). The maths lives in app/imaging/palette.ts.
import type { DataSet } from 'dicom-parser';
import type { LutTable } from '../../app/domain/study';
import { expandSegmentedLut, type Palette } from '../../app/imaging/palette';

const CHANNELS = [
  ['red', 'x00281101', 'x00281201', 'x00281221'],
  ['green', 'x00281102', 'x00281202', 'x00281222'],
  ['blue', 'x00281103', 'x00281203', 'x00281223'],
] as const;

function inBounds(ds: DataSet, tag: string): { offset: number; length: number } | null {
  const el = ds.elements[tag];
  if (!el || el.length <= 0 || el.dataOffset + el.length > ds.byteArray.length) return null;
  return { offset: el.dataOffset, length: el.length };
}

function words(ds: DataSet, at: { offset: number; length: number }): number[] {
  const out = new Array<number>(Math.floor(at.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = ds.byteArrayParser.readUint16(ds.byteArray, at.offset + 2 * i);
  return out;
}

/** One channel, or null when its descriptor or data are missing or inconsistent. */
function readChannel(ds: DataSet, descriptorTag: string, dataTag: string, segmentedTag: string, pixelRepresentation: number): LutTable | null {
  const d = inBounds(ds, descriptorTag);
  if (!d || d.length < 6) return null;
  const entries = ds.uint16(descriptorTag, 0) || 65536;
  const firstRaw = ds.uint16(descriptorTag, 1) ?? 0;
  const bits = ds.uint16(descriptorTag, 2) ?? 16;
  // The first mapped value is SS when the pixel data are signed (C.7.6.3.1.5).
  const firstMapped = pixelRepresentation === 1 && firstRaw >= 0x8000 ? firstRaw - 0x10000 : firstRaw;
  const plain = inBounds(ds, dataTag);
  if (plain) {
    // 8-bit entries may come packed two per word (the data then hold `entries` bytes) or one per word.
    const data = bits <= 8 && plain.length === entries + (entries % 2) ? Array.from(ds.byteArray.subarray(plain.offset, plain.offset + entries)) : words(ds, plain).slice(0, entries);
    return data.length === entries ? { firstMapped, bitsPerEntry: bits, data } : null;
  }
  const segmented = inBounds(ds, segmentedTag);
  if (!segmented) return null;
  const raw = bits <= 8 ? Array.from(ds.byteArray.subarray(segmented.offset, segmented.offset + segmented.length)) : words(ds, segmented);
  const data = expandSegmentedLut(raw, bits <= 8 ? 1 : 2, entries);
  return data.length > 0 ? { firstMapped, bitsPerEntry: bits, data } : null;
}

/** The palette of a PALETTE COLOR image, or null when the module is incomplete (PaletteError when damaged). */
export function readPalette(ds: DataSet, pixelRepresentation: number): Palette | null {
  const [red, green, blue] = CHANNELS.map(([, descriptor, data, segmented]) => readChannel(ds, descriptor, data, segmented, pixelRepresentation));
  return red && green && blue ? { red, green, blue } : null;
}
