// Edge cases built in memory: header fields, Image Pixel module variants (PS3.3 C.7.6.3), LUT sequences, errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FrameOutOfRangeError,
  MalformedDicomError,
  NoPixelDataError,
  NotDicomError,
  TruncatedError,
  UnsupportedSyntaxError,
  decodeBytes,
  headerFromBytes,
  readHeader,
  renderModelView,
  toImagePixels,
} from '../../../main/dicom';
import { ImagePixels } from '../../../app/domain/study';
import { guardDicom } from '../../../main/dicom/errors';
import { dxImage, encapsulated, part10, u16le, type El } from './build-dicom';

const tmp = mkdtempSync(join(tmpdir(), 'radraft-dicom-'));
function file(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

const cs = (tag: number, value: string): El => ({ tag, vr: 'CS', value });
const ds = (tag: number, value: string): El => ({ tag, vr: 'DS', value });

describe('header', () => {
  it('reads identifiers, spacing and windows without decoding', async () => {
    const p = file('h1.dcm', part10(dxImage({
      rows: 2, columns: 2, pixels: u16le([0, 1, 2, 3]),
      extra: [
        { tag: 0x00080020, vr: 'DA', value: '20240102' },
        { tag: 0x00080050, vr: 'SH', value: 'ACC42' },
        { tag: 0x00081030, vr: 'LO', value: 'CHEST PA' },
        cs(0x00185101, 'PA'),
        ds(0x00181164, '0.139\\0.14'),
        ds(0x00281050, '2048\\1000'),
        ds(0x00281051, '4096\\500'),
        { tag: 0x00281055, vr: 'LO', value: 'FULL\\BONE' },
      ],
    })));
    const h = await readHeader(p);
    expect(h).toMatchObject({
      patientName: 'Test^Synthetic', patientId: 'SYN-1', studyInstanceUid: '1.2.3.4', seriesInstanceUid: '1.2.3.4.1',
      sopInstanceUid: '1.2.3.4.5', studyDate: '20240102', accessionNumber: 'ACC42', studyDescription: 'CHEST PA',
      modality: 'DX', viewPosition: 'PA', viewPositionSource: 'ViewPosition', rows: 2, columns: 2, frames: 1,
      transferSyntaxUid: '1.2.840.10008.1.2.1', photometricInterpretation: 'MONOCHROME2', bitsAllocated: 16, bitsStored: 16,
      pixelSpacing: [0.139, 0.14], spacingSource: 'ImagerPixelSpacing', hasPixelData: true,
    });
    expect(h.windows).toEqual([{ center: 2048, width: 4096, explanation: 'FULL' }, { center: 1000, width: 500, explanation: 'BONE' }]);
  });

  it('prefers Pixel Spacing over Imager Pixel Spacing and says when there is none', () => {
    const both = headerFromBytes('x.dcm', part10(dxImage({ rows: 1, columns: 1, extra: [ds(0x00280030, '0.2\\0.2'), ds(0x00181164, '0.1\\0.1')] })));
    expect([both.pixelSpacing, both.spacingSource]).toEqual([[0.2, 0.2], 'PixelSpacing']);
    const none = headerFromBytes('x.dcm', part10(dxImage({ rows: 1, columns: 1 })));
    expect([none.pixelSpacing, none.spacingSource]).toEqual([null, 'none']);
  });

  it('falls back to PatientPosition only when it clearly holds a view', () => {
    const view = (extra: El[]) => headerFromBytes('x.dcm', part10(dxImage({ rows: 1, columns: 1, extra })));
    expect(view([cs(0x00185100, 'AP')])).toMatchObject({ viewPosition: 'AP', viewPositionSource: 'PatientPosition' });
    expect(view([cs(0x00185100, 'LATERAL')]).viewPosition).toBe('LATERAL');
    expect(view([cs(0x00185100, 'HFS')])).toMatchObject({ viewPosition: '', viewPositionSource: 'none' });
    expect(view([cs(0x00185100, 'XX')]).viewPosition).toBe('');
    expect(view([cs(0x00185100, 'AP'), cs(0x00185101, 'LL')])).toMatchObject({ viewPosition: 'LL', viewPositionSource: 'ViewPosition' });
  });

  it('decodes UTF-8 names when Specific Character Set says ISO_IR 192', () => {
    const h = headerFromBytes('x.dcm', part10(dxImage({ rows: 1, columns: 1, extra: [cs(0x00080005, 'ISO_IR 192'), { tag: 0x00100010, vr: 'PN', value: 'Müller^Zoë' }] })));
    expect(h.patientName).toBe('Müller^Zoë');
  });

  it('reads Modality LUT and VOI LUT sequences', () => {
    const lutItem = (data: number[]): El[] => [
      { tag: 0x00283002, vr: 'US', value: [data.length, 0, 16] },
      { tag: 0x00283006, vr: 'OW', value: u16le(data) },
    ];
    const h = headerFromBytes('x.dcm', part10(dxImage({
      rows: 1, columns: 1,
      extra: [
        { tag: 0x00283000, vr: 'SQ', value: [[...lutItem([5, 6, 7]), { tag: 0x00283004, vr: 'LO', value: 'OD' }]] },
        { tag: 0x00283010, vr: 'SQ', value: [lutItem([0, 30000, 65535])] },
        cs(0x00281056, 'SIGMOID'),
      ],
    })));
    expect(h.modalityLut).toEqual({ firstMapped: 0, bitsPerEntry: 16, data: [5, 6, 7], lutType: 'OD' });
    expect(h.voiLuts).toEqual([{ firstMapped: 0, bitsPerEntry: 16, data: [0, 30000, 65535] }]);
    expect(h.voiLutFunction).toBe('SIGMOID');
  });

  it('reads a header whose pixel data are cut off (the header is intact)', () => {
    const full = part10(dxImage({ rows: 64, columns: 64, pixels: new Uint8Array(64 * 64 * 2) }));
    expect(headerFromBytes('cut.dcm', full.subarray(0, full.length - 1000)).rows).toBe(64);
  });
});

describe('decode', () => {
  it('keeps only BitsStored bits and sign-extends signed data (PS3.5 8.1.1)', async () => {
    // 12 bits stored in 16: 0x0FFF = −1, 0xF800 has garbage above bit 11 → 0x800 = −2048, 0x07FF = 2047.
    const d = await decodeBytes('s.dcm', part10(dxImage({ rows: 1, columns: 3, bitsStored: 12, signed: true, pixels: u16le([0x0fff, 0xf800, 0x07ff]) })));
    expect(d.dtype).toBe('int16');
    expect([...d.pixels]).toEqual([-1, -2048, 2047]);
    const u = await decodeBytes('u.dcm', part10(dxImage({ rows: 1, columns: 2, bitsStored: 10, pixels: u16le([0xfc01, 0x03ff]) })));
    expect([...u.pixels]).toEqual([1, 1023]);
  });

  it('interleaves colour-by-plane RGB (Planar Configuration 1)', async () => {
    const planes = Uint8Array.from([1, 2, 10, 20, 100, 200]); // RR GG BB for 2 pixels
    const d = await decodeBytes('p.dcm', part10(dxImage({ rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, planar: 1, photometric: 'RGB', pixels: planes })));
    expect([...d.pixels]).toEqual([1, 10, 100, 2, 20, 200]);
    const view = renderModelView(d);
    expect(view.data[0]).toBe(Math.round(0.299 * 1 + 0.587 * 10 + 0.114 * 100));
    const ip = toImagePixels(d, 'rgb');
    expect(ip.photometricInterpretation).toBe('MONOCHROME2');
    expect(ip.dtype).toBe('uint8');
  });

  it('selects frames of a native multi-frame image and rejects frames that do not exist', async () => {
    const bytes = part10(dxImage({ rows: 1, columns: 2, frames: 3, pixels: u16le([1, 2, 3, 4, 5, 6]) }));
    expect([...(await decodeBytes('m.dcm', bytes, 2)).pixels]).toEqual([5, 6]);
    const err = await decodeBytes('/x/m.dcm', bytes, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrameOutOfRangeError);
    expect(err).toBeInstanceOf(RangeError);
    expect(err).toMatchObject({ filePath: '/x/m.dcm', message: 'm.dcm: frame 3 requested, the image has 3 frame(s)' });
    await expect(decodeBytes('m.dcm', bytes, -1)).rejects.toBeInstanceOf(FrameOutOfRangeError);
  });

  it('decodes RLE multi-frame (one fragment per frame, PS3.5 A.4.2 / Annex G)', async () => {
    // One 8-bit segment per frame: header (1 segment at offset 64) + PackBits "replicate 4×".
    const rleFrame = (value: number) => {
      const f = new Uint8Array(64 + 2);
      new DataView(f.buffer).setUint32(0, 1, true);
      new DataView(f.buffer).setUint32(4, 64, true);
      f[64] = 257 - 4;
      f[65] = value;
      return f;
    };
    const bytes = part10(dxImage({ rows: 2, columns: 2, bitsAllocated: 8, frames: 2 }), '1.2.840.10008.1.2.5', encapsulated([rleFrame(7), rleFrame(9)]));
    expect([...(await decodeBytes('r.dcm', bytes, 1)).pixels]).toEqual([9, 9, 9, 9]);
  });

  it('renders with the Modality LUT and VOI LUT sequences and the VOI LUT Function', async () => {
    const img = (extra: El[]) => decodeBytes('v.dcm', part10(dxImage({ rows: 1, columns: 3, pixels: u16le([0, 1, 2]), extra })));
    const viaLut = renderModelView(await img([{ tag: 0x00283010, vr: 'SQ', value: [[{ tag: 0x00283002, vr: 'US', value: [3, 0, 8] }, { tag: 0x00283006, vr: 'OW', value: u16le([255, 0, 128]) }]] }]));
    expect([...viaLut.data]).toEqual([255, 0, 128]);
    const sigmoid = renderModelView(await img([ds(0x00281050, '1'), ds(0x00281051, '4'), cs(0x00281056, 'SIGMOID')]));
    expect(sigmoid.data[1]).toBe(128);
    expect(sigmoid.data[2]).toBe(Math.round(255 / (1 + Math.exp(-1))));
  });

  it('produces an ImagePixels object that the IPC schema accepts', async () => {
    const d = await decodeBytes('i.dcm', part10(dxImage({ rows: 2, columns: 2, bitsStored: 12, pixels: u16le([0, 1, 4094, 4095]), extra: [ds(0x00281050, '2048'), ds(0x00281051, '4096')] })));
    const ip = toImagePixels(d, 'img-1');
    expect(ImagePixels.parse(ip)).toBeTruthy();
    expect(ip).toMatchObject({ imageId: 'img-1', rows: 2, columns: 2, dtype: 'uint16', bitsStored: 12, minPixelValue: 0, maxPixelValue: 4095, windows: [{ center: 2048, width: 4096 }] });
    expect(new Uint16Array(ip.pixels.buffer, ip.pixels.byteOffset, 4)[3]).toBe(4095);
  });
});

describe('typed errors name the file and the reason', () => {
  it('a RangeError from inside the engine is the file’s problem, whatever its message says', async () => {
    // Only FrameOutOfRangeError (the caller's frame number) passes guardDicom; a library's RangeError that happens
    // to read like one must still become a MalformedDicomError naming the file.
    const lookalike = () => Promise.reject(new RangeError('/x/m.dcm: frame 1 requested, the image has 1 frame(s)'));
    await expect(guardDicom('/x/m.dcm', lookalike)).rejects.toBeInstanceOf(MalformedDicomError);
    await expect(guardDicom('/x/m.dcm', () => Promise.reject(FrameOutOfRangeError.of('/x/m.dcm', 1, 1)))).rejects.toBeInstanceOf(FrameOutOfRangeError);
  });

  it('not DICOM', async () => {
    const err = await decodeBytes('/x/notes.txt', new TextEncoder().encode('Hello, this is not an image at all.')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotDicomError);
    expect((err as NotDicomError).message).toMatch(/^notes\.txt: not a DICOM file/);
    expect((err as NotDicomError).filePath).toBe('/x/notes.txt');
    await expect(decodeBytes('empty.dcm', new Uint8Array(0))).rejects.toBeInstanceOf(NotDicomError);
  });

  it('truncated pixel data', async () => {
    const full = part10(dxImage({ rows: 64, columns: 64, pixels: new Uint8Array(64 * 64 * 2) }));
    await expect(decodeBytes('cut.dcm', full.subarray(0, full.length - 100))).rejects.toBeInstanceOf(TruncatedError);
  });

  it('no pixel data', async () => {
    const err = await decodeBytes('sr.dcm', part10([cs(0x00080060, 'SR'), { tag: 0x00080018, vr: 'UI', value: '1.2' }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoPixelDataError);
    expect((err as Error).message).toContain('SR');
  });

  it('unsupported transfer syntax', async () => {
    const bytes = part10(dxImage({ rows: 1, columns: 1 }), '1.2.840.10008.1.2.4.102', encapsulated([new Uint8Array(8)]));
    const err = await decodeBytes('video.dcm', bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedSyntaxError);
    expect((err as Error).message).toContain('MPEG-4');
  });

  it('impossible Image Pixel module values', async () => {
    await expect(decodeBytes('b.dcm', part10(dxImage({ rows: 1, columns: 1, bitsAllocated: 12, pixels: u16le([1]) })))).rejects.toBeInstanceOf(UnsupportedSyntaxError);
    await expect(decodeBytes('c.dcm', part10(dxImage({ rows: 0, columns: 1, pixels: u16le([1]) })))).rejects.toBeInstanceOf(MalformedDicomError);
  });

  it('a raw data set without File Meta parses as implicit VR little endian', async () => {
    // PS3.5 A.1 implicit VR: tag, 4-byte length, value.
    const implicit = (tag: number, value: Uint8Array) => {
      const out = new Uint8Array(8 + value.length);
      const dv = new DataView(out.buffer);
      dv.setUint16(0, tag >>> 16, true);
      dv.setUint16(2, tag & 0xffff, true);
      dv.setUint32(4, value.length, true);
      out.set(value, 8);
      return out;
    };
    const us = (v: number) => u16le([v]);
    const parts = [
      implicit(0x00080060, new TextEncoder().encode('CR')),
      implicit(0x00280002, us(1)),
      implicit(0x00280004, new TextEncoder().encode('MONOCHROME2 ')),
      implicit(0x00280010, us(1)),
      implicit(0x00280011, us(2)),
      implicit(0x00280100, us(16)),
      implicit(0x00280101, us(16)),
      implicit(0x7fe00010, u16le([300, 400])),
    ];
    const raw = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { raw.set(p, o); o += p.length; }
    const d = await decodeBytes('raw.dcm', raw);
    expect(d.header.hasFileMeta).toBe(false);
    expect(d.header.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect([...d.pixels]).toEqual([300, 400]);
  });
});
