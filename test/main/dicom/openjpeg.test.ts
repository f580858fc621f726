// Our OpenJPEG WASM build: strip and whole-image paths, files read straight into its memory, and their release.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeFile } from '../../../main/dicom';
import { heldFileCount } from '../../../main/dicom/codecs/openjpeg';
import { namesJpeg2000, readDicomFile } from '../../../main/dicom/read-file';
import { fixture } from './fixtures';

const BARRE = fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm');
const BARRE_J2K = fixture('cxr-derived', 'barre_CR-MONO1-10-chest_j2k_lossless.dcm');
const BARRE_TILED = fixture('derived', 'barre_CR-MONO1-10-chest_j2k_tiled.dcm');
const DX_J2K = fixture('cxr', 'pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm');

const sha = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

describe('JPEG 2000 decoding with our OpenJPEG build', () => {
  it('decodes a single-tile codestream in strips to the uncompressed original (440 rows: 6 strips and a short one)', async () => {
    const [raw, j2k] = await Promise.all([decodeFile(BARRE), decodeFile(BARRE_J2K)]);
    expect(j2k.pixels).toBeInstanceOf(Uint16Array);
    expect(sha(j2k.pixels)).toBe(sha(raw.pixels));
    expect([j2k.minValue, j2k.maxValue]).toEqual([raw.minValue, raw.maxValue]);
  });

  it('decodes a tiled codestream (128×128 tiles) whole, to the same values', async () => {
    const [raw, tiled] = await Promise.all([decodeFile(BARRE), decodeFile(BARRE_TILED)]);
    expect(sha(tiled.pixels)).toBe(sha(raw.pixels));
    expect([tiled.minValue, tiled.maxValue]).toEqual([raw.minValue, raw.maxValue]);
  });

  it('gives the same pixels whether the file sits in its memory or in a JS buffer', async () => {
    const fromFile = await decodeFile(DX_J2K);
    const fromBytes = await decodeBytes(DX_J2K, new Uint8Array(readFileSync(DX_J2K)));
    expect(sha(fromBytes.pixels)).toBe(sha(fromFile.pixels));
    expect(fromFile.pixels.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('reads a JPEG 2000 file into the decoder memory and other files into JS memory', async () => {
    const j2k = await readDicomFile(BARRE_J2K);
    const raw = await readDicomFile(BARRE);
    try {
      expect(j2k.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(raw.bytes.buffer).toBeInstanceOf(ArrayBuffer);
      expect(Buffer.from(j2k.bytes).equals(readFileSync(BARRE_J2K))).toBe(true);
      expect(heldFileCount()).toBeGreaterThan(0);
    } finally {
      j2k.release();
      j2k.release();
      raw.release();
    }
    expect(heldFileCount()).toBe(0);
  });

  it('frees what it read, also when the codestream is damaged', async () => {
    for (let i = 0; i < 3; i++) await decodeFile(BARRE_J2K);
    await expect(decodeFile(fixture('cxr-robustness', 'pydicom966_bad_COM_marker_j2k.dcm'))).rejects.toThrow(/cannot be decoded/);
    expect(heldFileCount()).toBe(0);
  });

  it('recognises the JPEG 2000 transfer syntaxes in the File Meta, and only those', () => {
    const meta = (uid: string) => new TextEncoder().encode(`DICM\u0002\u0000\u0010\u0000UI\u0016\u0000${uid}\u0000\u0002\u0000\u0012\u0000`);
    expect(namesJpeg2000(meta('1.2.840.10008.1.2.4.90'))).toBe(true);
    expect(namesJpeg2000(meta('1.2.840.10008.1.2.4.91'))).toBe(true);
    expect(namesJpeg2000(meta('1.2.840.10008.1.2.4.201'))).toBe(false);
    expect(namesJpeg2000(meta('1.2.840.10008.1.2.4.80'))).toBe(false);
    expect(namesJpeg2000(meta('1.2.840.10008.1.2.4.901'))).toBe(false);
  });
});
