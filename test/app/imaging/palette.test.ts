// PALETTE COLOR maths (PS3.3 C.7.6.3.1.5–6, C.7.9.2), checked against hand-expanded tables.
import { describe, expect, it } from 'vitest';
import { PaletteError, expandSegmentedLut, paletteToGrey } from '../../../app/imaging/palette';

describe('segmented palette tables (C.7.9.2)', () => {
  it('expands discrete, linear and indirect segments', () => {
    // discrete [0, 10], linear to 50 over 4 entries, discrete [7], indirect: the 2 segments from byte 0 again.
    const words = [0, 2, 0, 10, 1, 4, 50, 0, 1, 7, 2, 2, 0, 0];
    expect(expandSegmentedLut(words, 2)).toEqual([0, 10, 20, 30, 40, 50, 7, 0, 10, 20, 30, 40, 50]);
  });

  it('refuses what cannot be a palette: a leading linear segment, unknown opcodes, tables past 65536 entries', () => {
    expect(() => expandSegmentedLut([1, 4, 50], 2)).toThrow(PaletteError);
    expect(() => expandSegmentedLut([0, 1, 5, 9, 1, 1], 2)).toThrow(/unknown palette segment type 9/);
    expect(() => expandSegmentedLut([0, 1, 5, 1, 60000, 9, 1, 60000, 9], 2)).toThrow(/past 65536/);
    expect(() => expandSegmentedLut([0, 1, 5, 2, 1, 999, 0], 2)).toThrow(/outside/);
  });
});

describe('palette colour to grey', () => {
  const palette = {
    red: { firstMapped: 10, bitsPerEntry: 16, data: [0, 65535, 65535] },
    green: { firstMapped: 10, bitsPerEntry: 16, data: [0, 0, 65535] },
    blue: { firstMapped: 10, bitsPerEntry: 16, data: [0, 0, 65535] },
  };
  it('looks each value up per channel (clamping outside the table) and takes BT.601 luminance', () => {
    expect(Array.from(paletteToGrey([5, 10, 11, 12, 99], palette))).toEqual([0, 0, 0.299 * 255, 255, 255].map((v) => expect.closeTo(v, 9)));
  });
  it('scales 8-bit entries from 0–255', () => {
    const eight = { firstMapped: 0, bitsPerEntry: 8, data: [0, 128, 255] };
    expect(Array.from(paletteToGrey([1], { red: eight, green: eight, blue: eight }))).toEqual([expect.closeTo(128, 9)]);
  });
});
