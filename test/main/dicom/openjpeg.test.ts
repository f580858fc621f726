// Our OpenJPEG WASM build: strip and whole-image paths, files read straight into its memory, and their release.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DicomError, decodeBytes, decodeFile } from '../../../main/dicom';
import { heldFileCount } from '../../../main/dicom/codecs/openjpeg';
import { namesJpeg2000, readDicomFile } from '../../../main/dicom/read-file';
import { fixture, pixelSha256 } from './fixtures';

const BARRE = fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm');
const BARRE_J2K = fixture('cxr-derived', 'barre_CR-MONO1-10-chest_j2k_lossless.dcm');
const BARRE_TILED = fixture('derived', 'barre_CR-MONO1-10-chest_j2k_tiled.dcm');
const DX_J2K = fixture('cxr', 'pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm');


describe('JPEG 2000 decoding with our OpenJPEG build', () => {
  it('decodes a single-tile codestream in strips to the uncompressed original (440 rows: 4 strips and a short one)', async () => {
    const [raw, j2k] = await Promise.all([decodeFile(BARRE), decodeFile(BARRE_J2K)]);
    expect(j2k.pixels).toBeInstanceOf(Uint16Array);
    expect(pixelSha256(j2k.pixels)).toBe(pixelSha256(raw.pixels));
    expect([j2k.minValue, j2k.maxValue]).toEqual([raw.minValue, raw.maxValue]);
  });

  it('decodes a tiled codestream (128×128 tiles) whole, to the same values', async () => {
    const [raw, tiled] = await Promise.all([decodeFile(BARRE), decodeFile(BARRE_TILED)]);
    expect(pixelSha256(tiled.pixels)).toBe(pixelSha256(raw.pixels));
    expect([tiled.minValue, tiled.maxValue]).toEqual([raw.minValue, raw.maxValue]);
  });

  it('gives the same pixels whether the file sits in its memory or in a JS buffer', async () => {
    const fromFile = await decodeFile(DX_J2K);
    const fromBytes = await decodeBytes(DX_J2K, new Uint8Array(readFileSync(DX_J2K)));
    expect(pixelSha256(fromBytes.pixels)).toBe(pixelSha256(fromFile.pixels));
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

  it('decodes damaged JPEG 2000 files read into its memory to a result or a DicomError, and frees every one', async () => {
    const original = readFileSync(BARRE_J2K);
    const dir = mkdtempSync(join(tmpdir(), 'radraft-j2k-'));
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const outcomes = new Set<string>();
    try {
      for (let i = 0; i < 40; i++) {
        // Half truncated, half with a few bytes of the codestream changed (the header stays readable).
        const bytes = i % 2 ? Buffer.from(original.subarray(0, 2000 + rand(original.length - 2000))) : Buffer.from(original);
        if (i % 2 === 0) for (let k = 0; k < 1 + rand(8); k++) bytes[1500 + rand(bytes.length - 1500)] = rand(256);
        const path = join(dir, `case-${i}.dcm`);
        writeFileSync(path, bytes);
        try {
          const d = await decodeFile(path);
          expect(d.pixels.length).toBe(d.rows * d.columns);
          outcomes.add('decoded');
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(DicomError);
          outcomes.add((e as DicomError).name);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(outcomes.size).toBeGreaterThan(1);
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
