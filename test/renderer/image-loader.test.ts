import { describe, expect, it, vi } from 'vitest';

// The loader module registers with cornerstone lazily; only its pure conversion is tested here.
vi.mock('cornerstone-core', () => ({ registerImageLoader: vi.fn(), imageCache: { setMaximumSizeBytes: vi.fn() } }));
vi.mock('../../renderer/src/lib/api', () => ({ api: {} }));

const { samplesOf, toCornerstoneImage, toCornerstoneId, fromCornerstoneId, PixelFormatError } = await import('../../renderer/src/lib/viewer/image-loader');

const base = {
  imageId: 'img1',
  rows: 2,
  columns: 2,
  bitsStored: 12,
  photometricInterpretation: 'MONOCHROME1',
  rescaleSlope: 1,
  rescaleIntercept: 0,
  minPixelValue: 0,
  maxPixelValue: 4095,
  windows: [] as Array<{ center: number; width: number }>,
  pixelSpacing: [0.2, 0.1] as [number, number],
  spacingSource: 'PixelSpacing' as const,
  patientName: '',
  patientId: '',
  studyDate: '',
  viewPosition: 'PA',
  modality: 'DX',
};

describe('radraft: image loader', () => {
  it('round-trips ids through the scheme', () => {
    expect(fromCornerstoneId(toCornerstoneId('a:b'))).toBe('a:b');
  });

  it('reads little-endian samples, also from an unaligned view', () => {
    const bytes = new Uint8Array([0xff, 0x01, 0x02, 0x00, 0x03, 0x00, 0x00, 0x80, 0x01, 0x00]);
    const unaligned = bytes.subarray(1, 9);
    expect(Array.from(samplesOf({ dtype: 'uint16', pixels: unaligned, rows: 2, columns: 2 }))).toEqual([0x0201, 0x0300, 0x0000, 0x0180]);
    expect(Array.from(samplesOf({ dtype: 'int16', pixels: bytes.subarray(2, 10), rows: 2, columns: 2 }))).toEqual([2, 3, -32768, 1]);
    expect(() => samplesOf({ dtype: 'uint16', pixels: new Uint8Array(7), rows: 2, columns: 2 })).toThrow(PixelFormatError);
  });

  it('builds a cornerstone image: grey levels (MONOCHROME1 inverted) in its VOI LUT, min/max from the samples, window from the data when the header has none', () => {
    const pixels = new Uint8Array(new Uint16Array([10, 20, 30, 4000]).buffer);
    const img = toCornerstoneImage('radraft:img1', { ...base, dtype: 'uint16', pixels });
    // cornerstone's own rescale and inversion stay neutral: the VOI LUT holds the whole pipeline.
    expect([img.invert, img.slope, img.intercept]).toEqual([false, 1, 0]);
    expect([img.minPixelValue, img.maxPixelValue]).toEqual([10, 4000]);
    expect([img.windowCenter, img.windowWidth]).toEqual([2005, 3990]);
    const lut = img.voiLUT!;
    expect(lut.firstValueMapped).toBe(10);
    // Min–max over the values present, MONOCHROME1: the smallest stored value is white, the largest black.
    expect([lut.lut[0], lut.lut[10], lut.lut[3990]]).toEqual([255, 254, 0]);
    expect(lut.lut).toHaveLength(3990 + 2);
    expect([img.rowPixelSpacing, img.columnPixelSpacing]).toEqual([0.2, 0.1]);
    expect(img.getPixelData()).toBeInstanceOf(Uint16Array);
    const header = toCornerstoneImage('x', { ...base, dtype: 'uint16', pixels, windows: [{ center: 550, width: 1024 }], photometricInterpretation: 'MONOCHROME2' });
    expect([header.windowCenter, header.windowWidth, header.invert]).toEqual([550, 1024, false]);
  });
});
