// Codec samples → stored values (PS3.5 8.1.1), including the in-place path used for the JS copies that the WASM
// codecs hand back (one image-sized array fewer at peak), and the decoded arrays' buffers that the worker transfers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleRangeError, toStored } from '../../../main/dicom/codecs/stored';
import { decodeBytes } from '../../../main/dicom';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'dicom');

describe('toStored', () => {
  const u12 = { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0, outOfRange: 'strict' } as const;

  it('masks into a new array and leaves the source alone when not told to reuse it', () => {
    const src = new Uint16Array([0, 1, 4095, 2048]);
    const out = toStored(src, u12);
    expect(out).toBeInstanceOf(Uint16Array);
    expect(out.buffer).not.toBe(src.buffer);
    expect(Array.from(out)).toEqual([0, 1, 4095, 2048]);
  });

  it('converts in place over a buffer it may reuse, with the same values as a copy', () => {
    const signed = { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1, outOfRange: 'strict' } as const;
    const values = [-2048, -1, 0, 1, 2047];
    const expected = Array.from(toStored(new Int16Array(values), signed));
    const src = new Int16Array(values);
    const out = toStored(src, signed, true);
    expect(out).toBeInstanceOf(Int16Array);
    expect(out.buffer).toBe(src.buffer);
    expect(Array.from(out)).toEqual(expected);
  });

  it('reinterprets a Uint8ClampedArray-backed copy as the stored dtype without copying', () => {
    const bytes = new Uint8ClampedArray(new Uint16Array([7, 300, 65535]).buffer);
    const view = new Uint16Array(bytes.buffer, 0, 3);
    const out = toStored(view, { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, outOfRange: 'strict' }, true);
    expect(out).toBeInstanceOf(Int16Array);
    expect(out.buffer).toBe(bytes.buffer);
    expect(Array.from(out)).toEqual([7, 300, -1]);
  });

  it('allocates when the stored width differs from the codec sample width, even when reuse is allowed', () => {
    const src = new Uint8Array([0, 128, 255]);
    const out = toStored(src, u12, true);
    expect(out).toBeInstanceOf(Uint16Array);
    expect(out.buffer).not.toBe(src.buffer);
    expect(Array.from(out)).toEqual([0, 128, 255]);
  });

  it('notes min/max on the unsigned 16-bit path, clamping lossy overshoot first', () => {
    const stats = { min: NaN, max: NaN };
    const out = toStored(new Uint16Array([300, 12, 5000, 4095]), { ...u12, outOfRange: 'clamp' }, true, stats);
    expect(Array.from(out)).toEqual([300, 12, 4095, 4095]);
    expect(stats).toEqual({ min: 12, max: 4095 });
  });

  it('still refuses out-of-range lossless samples in place', () => {
    expect(() => toStored(new Uint16Array([1, 5000]), u12, true)).toThrow(SampleRangeError);
  });
});

describe('decoded pixel buffers of the WASM codecs', () => {
  // The worker transfers pixels.buffer without a copy only when the array spans its whole buffer.
  it.each([
    ['JPEG 2000 (OpenJPEG)', 'cxr-derived/barre_CR-MONO1-10-chest_j2k_lossless.dcm'],
    ['JPEG-LS (CharLS)', 'cxr-derived/barre_CR-MONO1-10-chest_jpegls_lossless.dcm'],
  ])('%s: the stored array is exactly its own buffer', async (_name, rel) => {
    const path = join(fixtures, rel);
    const d = await decodeBytes(path, readFileSync(path));
    expect(d.pixels.byteOffset).toBe(0);
    expect(d.pixels.byteLength).toBe(d.pixels.buffer.byteLength);
    expect(d.pixels.byteLength).toBe(d.rows * d.columns * d.samplesPerPixel * 2);
  });
});
