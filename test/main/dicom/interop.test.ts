// Issue 10: files other toolkits decode are decoded the same. Each case is a real file or one reproduced from one
// (test/fixtures/dicom/interop, PROVENANCE.md); the expected stored values are what DCMTK and GDCM give
// (golden/interop_reference.json, made by tools/make_interop_reference.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CorruptCodestreamError, MalformedDicomError, UnsupportedSyntaxError, decodeBytes, decodeFile, readHeader, renderModelView } from '../../../main/dicom';
import { encapsulated, part10, dxImage, u16le, type El } from './build-dicom';
import { fixture, pixelSha256 } from './fixtures';

interface ToolResult {
  sha256?: string;
  min?: number;
  max?: number;
  cells_past_bits_stored?: number;
  error?: string;
}
const reference = new Map(
  (JSON.parse(readFileSync(fixture('golden', 'interop_reference.json'), 'utf8')) as { files: { file: string; dcmtk: ToolResult; gdcm: ToolResult; pydicom_palette_grey?: ToolResult }[] }).files.map(
    (f) => [f.file, f],
  ),
);

/** What DCMTK and GDCM agree on for an interop file (where DCMTK decodes it at all). */
function toolkits(name: string): ToolResult {
  const r = reference.get(name);
  if (!r?.gdcm.sha256) throw new Error(`no GDCM reference for ${name}`);
  if (r.dcmtk.sha256) expect(r.dcmtk.sha256, `${name}: DCMTK and GDCM agree`).toBe(r.gdcm.sha256);
  return r.gdcm;
}

async function expectLikeToolkits(name: string) {
  const d = await decodeFile(fixture('interop', name));
  const want = toolkits(name);
  expect(pixelSha256(d.pixels), name).toBe(want.sha256);
  expect([d.minValue, d.maxValue]).toEqual([want.min, want.max]);
  return d;
}

/** The fixture's bytes with the File Meta's Transfer Syntax UID swapped for another of the same length. */
function relabel(rel: string, from: string, to: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(fixture(rel)));
  const text = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  const at = text.indexOf(`${from}\0`) >= 0 ? text.indexOf(`${from}\0`) : text.indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`${rel} does not name ${from}`);
  bytes.set(Buffer.from(to, 'latin1'), at);
  return bytes;
}

const BARRE_SHA = '400ebd95cd99725097d903597ca26d5d9cf81e339b4dcbc61a164483f0bee213';
const SV1 = '1.2.840.10008.1.2.4.70';

describe('item 1: the decoder is chosen by the codestream, and a mismatch with the syntax is said', () => {
  it('a baseline (SOF0) JPEG labelled JPEG Lossless SV1 decodes as baseline, as GDCM and DCMTK do', async () => {
    const rel = 'cxr/siim_1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027.dcm';
    const original = await decodeFile(fixture(rel));
    expect(original.codestreamMismatch).toBeUndefined();
    const d = await decodeBytes('siim_as_sv1.dcm', relabel(rel, '1.2.840.10008.1.2.4.50', SV1));
    expect(d.header.transferSyntaxUid).toBe(SV1);
    expect(pixelSha256(d.pixels)).toBe(pixelSha256(original.pixels));
    expect(d.codestreamMismatch).toMatch(/JPEG Lossless.*but the codestream is JPEG baseline \(SOF0\), 8-bit/);
  });

  const others: [string, string, string, RegExp][] = [
    ['cxr-derived/barre_CR-MONO1-10-chest_jpegls_lossless.dcm', '1.2.840.10008.1.2.4.80', SV1, /codestream is JPEG-LS \(SOF55\)/],
    ['cxr-derived/barre_CR-MONO1-10-chest_j2k_lossless.dcm', '1.2.840.10008.1.2.4.90', SV1, /codestream is JPEG 2000/],
    ['cxr-derived/barre_CR-MONO1-10-chest_jpegll_sv1.dcm', SV1, '1.2.840.10008.1.2.4.80', /JPEG-LS Lossless but the codestream is JPEG lossless \(SOF3\)/],
    ['cxr-derived/barre_CR-MONO1-10-chest_jpegll_sv1.dcm', SV1, '1.2.840.10008.1.2.4.90', /codestream is JPEG lossless \(SOF3\)/],
  ];
  for (const [rel, from, to, says] of others) {
    it(`${rel.split('/')[1]} labelled ${to} is decoded as what it is`, async () => {
      const d = await decodeBytes('relabelled.dcm', relabel(rel, from, to));
      expect(pixelSha256(d.pixels)).toBe(BARRE_SHA);
      expect(d.codestreamMismatch).toMatch(says);
    });
  }

  it('a 12-bit extended (SOF1) codestream labelled JPEG Lossless decodes like DCMTK and GDCM', async () => {
    const d = await decodeBytes('jpgext_as_sv1.dcm', relabel('pydicom-test-files/JPGExtended.dcm', '1.2.840.10008.1.2.4.51', SV1));
    const ref = await decodeFile(fixture('derived', 'JPGExtended_dcmdjpeg.dcm'));
    expect(pixelSha256(d.pixels)).toBe(pixelSha256(ref.pixels));
    expect(d.codestreamMismatch).toMatch(/JPEG extended sequential \(SOF1\), 12-bit/);
  });

  it('bytes that open no known codestream are refused, never handed to a decoder', async () => {
    const elements = dxImage({ rows: 4, columns: 4, bitsAllocated: 8 });
    const bytes = part10(elements, SV1, encapsulated([Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0])]));
    const err = await decodeBytes('garbage.dcm', bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptCodestreamError);
    expect((err as Error).message).toMatch(/does not start with a JPEG Lossless.*codestream/);
  });
});

describe('item 2: lossless JPEG scans end right, for every predictor', () => {
  for (let sv = 1; sv <= 7; sv++) {
    it(`selection value ${sv}: a signed CT whose last row ends in air and bone`, async () => {
      const d = await expectLikeToolkits(`ct_jpegll_sv${sv}_lastrow.dcm`);
      expect(d.dtype).toBe('int16');
      // The whole image equals the toolkits' (so every row's last column does); the last pixels of the last row
      // are where jpeg-lossless-decoder-js went wrong (0 instead of −2000 with SV1, off by one with SV7).
      expect(Array.from(d.pixels.subarray(d.pixels.length - 7))).toEqual([-3000, -3000, -976, -976, -976, -2000, -2000]);
    });
  }
});

/** Bytes of a fixture with `insert` put before its last fragment's end, that fragment's length grown to match. */
function padLastFragment(rel: string, insert: number[]): Uint8Array {
  const bytes = new Uint8Array(readFileSync(fixture(rel)));
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  // The Sequence Delimitation Item (FFFE,E0DD) ends encapsulated Pixel Data; the last fragment's item precedes it.
  const end = bytes.length - 8;
  expect([view.getUint16(end, true), view.getUint16(end + 2, true)]).toEqual([0xfffe, 0xe0dd]);
  let item = -1;
  for (let i = end - 8; i >= 0; i--) {
    if (view.getUint16(i, true) === 0xfffe && view.getUint16(i + 2, true) === 0xe000 && i + 8 + view.getUint32(i + 4, true) === end) {
      item = i;
      break;
    }
  }
  expect(item).toBeGreaterThan(0);
  view.setUint32(item + 4, view.getUint32(item + 4, true) + insert.length, true);
  const out = new Uint8Array(bytes.length + insert.length);
  out.set(bytes.subarray(0, end));
  out.set(insert, end);
  out.set(bytes.subarray(end), end + insert.length);
  return out;
}

describe('item 3: JPEG-LS with 0xFF fill after EOI', () => {
  it('NEMA WG04 CT1_JLSN (ends FF D9 FF) decodes like DCMTK and GDCM', async () => {
    const bytes = readFileSync(fixture('interop', 'nema_wg04_CT1_JLSN.dcm'));
    expect(Array.from(bytes.subarray(bytes.length - 11, bytes.length - 8))).toEqual([0xff, 0xd9, 0xff]);
    await expectLikeToolkits('nema_wg04_CT1_JLSN.dcm');
  });

  it('the Barré chest CR with FF FF after its EOI decodes to its own values', async () => {
    const d = await decodeBytes('padded.dcm', padLastFragment('cxr-derived/barre_CR-MONO1-10-chest_jpegls_lossless.dcm', [0xff, 0xff]));
    expect(pixelSha256(d.pixels)).toBe(BARRE_SHA);
  });

  it('a truncated scan padded with 0xFF is still refused', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('cxr-derived', 'barre_CR-MONO1-10-chest_jpegls_lossless.dcm')));
    // Overwrite the end of the scan and its EOI with fill bytes, keeping the DICOM delimiters.
    bytes.fill(0xff, bytes.length - 8 - 2000, bytes.length - 8);
    const err = await decodeBytes('cut.dcm', bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptCodestreamError);
    expect((err as Error).message).toContain('EOI');
  });
});

describe('item 4: 12-bit JPEG Extended is libjpeg bit for bit', () => {
  it('pydicom JPGExtended.dcm equals DCMTK dcmdjpeg output on every pixel', async () => {
    const [mine, ref] = await Promise.all([decodeFile(fixture('pydicom-test-files', 'JPGExtended.dcm')), decodeFile(fixture('derived', 'JPGExtended_dcmdjpeg.dcm'))]);
    expect(mine.dtype).toBe('uint16');
    expect(pixelSha256(mine.pixels)).toBe(pixelSha256(ref.pixels));
  });

  it('NEMA WG04 RG2_JPLY (a 12-bit CR with 10 bits stored) equals DCMTK and GDCM', async () => {
    await expectLikeToolkits('nema_wg04_RG2_JPLY.dcm');
  });

  for (const q of [30, 75]) {
    it(`overshoot past Bits Stored (10-bit CR with a burned-in marker, quality ${q}) keeps the low bits, as GDCM and DCMTK's cells`, async () => {
      const name = `cr10_jpeg12_marker_q${q}.dcm`;
      // DCMTK wrote hundreds of cells past 10 bits: the case is real.
      expect(reference.get(name)?.dcmtk.cells_past_bits_stored).toBeGreaterThan(100);
      const d = await expectLikeToolkits(name);
      expect(d.maxValue).toBeLessThanOrEqual(1023);
    });
  }
});

describe('item 5: old archives', () => {
  for (const name of ['jpeg53_spectral_8bit.dcm', 'jpeg53_spectral_12bit.dcm', 'jpeg55_progressive_8bit.dcm', 'jpeg55_progressive_12bit.dcm']) {
    it(`${name} (retired ${name.startsWith('jpeg53') ? 'spectral selection, .53' : 'full progression, .55'}) decodes like DCMTK and GDCM`, async () => {
      const d = await expectLikeToolkits(name);
      expect(d.codestreamMismatch).toBeUndefined();
    });
  }

  it('a File Meta with two Transfer Syntax UIDs follows the first, as GDCM and DCMTK do', async () => {
    const a = await expectLikeToolkits('two_tsuid_jpeg_then_implicit.dcm');
    expect(a.header.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.50');
    const b = await expectLikeToolkits('two_tsuid_explicit_then_jpeg.dcm');
    expect(b.header.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect((await readHeader(fixture('interop', 'two_tsuid_explicit_then_jpeg.dcm'))).transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
  });

  it('1-bit JPEG 2000 decodes to 0/1 samples, like GDCM', async () => {
    const d = await expectLikeToolkits('j2k_1bit_mask.dcm');
    expect(d.dtype).toBe('uint8');
    expect([d.minValue, d.maxValue]).toEqual([0, 1]);
  });

  it('float pixel data (parametric maps) are refused clearly', async () => {
    const elements = dxImage({ rows: 2, columns: 2, bitsAllocated: 32, extra: [{ tag: 0x7fe00008, vr: 'OF', value: new Uint8Array(16) }] });
    const err = await decodeBytes('float.dcm', part10(elements)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedSyntaxError);
    expect((err as Error).message).toMatch(/floating-point pixel data are not supported/);
  });
});

describe('item 8: PALETTE COLOR images are shown (as the grey of their colours) and `radraft render` takes them', () => {
  it('pydicom-data OBXXXX1A (RLE, 16-bit palette): the model view equals pydicom\'s colours as luminance', async () => {
    const d = await decodeFile(fixture('interop', 'OBXXXX1A_rle.dcm'));
    expect(d.photometricInterpretation).toBe('PALETTE COLOR');
    expect(d.palette?.red.data).toHaveLength(256);
    // GDCM decodes the stored values alike.
    expect(pixelSha256(d.pixels)).toBe(reference.get('OBXXXX1A_rle.dcm')?.gdcm.sha256);
    const view = renderModelView(d);
    expect(pixelSha256(view.data)).toBe(reference.get('OBXXXX1A_rle.dcm')?.pydicom_palette_grey?.sha256);
  });

  /** A 4×1 PALETTE COLOR image whose tables are segmented (C.7.9.2), or given as `data` when `plain`. */
  function paletteImage(channels: Record<'red' | 'green' | 'blue', { segmented?: number[]; plain?: number[] }>): Uint8Array {
    const tags = { red: [0x00281101, 0x00281201, 0x00281221], green: [0x00281102, 0x00281202, 0x00281222], blue: [0x00281103, 0x00281203, 0x00281223] };
    const extra: El[] = [];
    for (const [name, c] of Object.entries(channels) as [keyof typeof tags, { segmented?: number[]; plain?: number[] }][]) {
      const [descriptor, data, segmented] = tags[name];
      extra.push({ tag: descriptor, vr: 'US', value: [c.plain?.length ?? 4, 0, 16] });
      if (c.plain) extra.push({ tag: data, vr: 'OW', value: u16le(c.plain) });
      if (c.segmented) extra.push({ tag: segmented, vr: 'OW', value: u16le(c.segmented) });
    }
    return part10(dxImage({ rows: 1, columns: 4, bitsAllocated: 8, photometric: 'PALETTE COLOR', pixels: Uint8Array.from([0, 1, 2, 3]), extra }));
  }

  it('expands segmented palettes (discrete, linear) before looking the values up', async () => {
    const ramp = [0, 1, 0, 1, 3, 65535]; // discrete [0], then linear to 65535 over 3 entries
    const d = await decodeBytes('segmented.dcm', paletteImage({ red: { segmented: ramp }, green: { segmented: ramp }, blue: { segmented: ramp } }));
    expect(d.palette?.red.data).toEqual([0, 21845, 43690, 65535]);
    expect(Array.from(renderModelView(d).data)).toEqual([0, 85, 170, 255]);
  });

  it('a damaged segmented palette is reported, and a palette image without its tables is refused clearly', async () => {
    const bad = [1, 3, 65535];
    await expect(decodeBytes('bad.dcm', paletteImage({ red: { segmented: bad }, green: { segmented: bad }, blue: { segmented: bad } }))).rejects.toBeInstanceOf(MalformedDicomError);
    const noTables = part10(dxImage({ rows: 1, columns: 4, bitsAllocated: 8, photometric: 'PALETTE COLOR', pixels: Uint8Array.from([0, 1, 2, 3]) }));
    const d = await decodeBytes('no-tables.dcm', noTables);
    expect(() => renderModelView(d)).toThrow(UnsupportedSyntaxError);
  });
});
