// No file is read whole to find its header, and no deflated data set inflates past what its header describes
// (issue 9, item 5). Files reproduced from real fixtures (hostile-files.ts); speed and memory are the bench's
// business (bench/open-hostile.ts), these tests check what is read, refused and said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecodePool, MalformedDicomError, NotDicomError, decodeFile, readHeader } from '../../../main/dicom';
import { MAX_HEADER_BYTES } from '../../../main/dicom/header-limit';
import { bundleWorkers } from '../drafting/bundle-workers';
import { fixture } from './fixtures';
import { GIB, deflateBomb, deflateParts, longElementHeader, realDeflated, writeLongHeader, writeSparse, writeZeroFilledDicom } from './hostile-files';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIB = 1024 * 1024;

describe('reading a header in bounded steps', () => {
  it('refuses a huge zero-filled file as not DICOM without reading it whole', async () => {
    // 6 GiB: more than Node can read into one Buffer, so a whole-file read would fail with ERR_FS_FILE_TOO_LARGE.
    const zeros = join(dir, 'zeros.dcm');
    writeSparse(zeros, new Uint8Array(0), 6 * GIB);
    const err = await readHeader(zeros).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotDicomError);
    expect((err as NotDicomError).reason).toMatch(/not a DICOM file/);
  });

  it('reads a real header in a gigabyte file of zero pixel data', async () => {
    const giant = join(dir, 'giant.dcm');
    writeZeroFilledDicom(giant, GIB);
    const h = await readHeader(giant);
    expect(h).toMatchObject({ patientName: 'CompressedSamples^CT1', rows: 128, columns: 128, hasPixelData: true });
  });

  it('reads on past the first step when the header is longer (a 3 MiB private element)', async () => {
    const long = join(dir, 'long-header.dcm');
    writeLongHeader(long, 3 * MIB);
    const h = await readHeader(long);
    expect(h).toMatchObject({ patientName: 'CompressedSamples^CT1', rows: 128, hasPixelData: true });
    // And the pixels after it are still the file's own.
    expect((await decodeFile(long)).maxValue).toBe((await decodeFile(fixture('pydicom-test-files', 'CT_small.dcm'))).maxValue);
  });

  it(`refuses a header longer than ${MAX_HEADER_BYTES / MIB} MiB with a message that says so`, async () => {
    const long = join(dir, 'too-long-header.dcm');
    writeLongHeader(long, 64 * MIB);
    const err = await readHeader(long).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedDicomError);
    expect((err as MalformedDicomError).message).toMatch(/too-long-header\.dcm: no image data within the first 16 MiB/);
  });

  it('refuses a large file that starts like a data set but is noise, after at most the limit', async () => {
    const noise = join(dir, 'noise.dcm');
    // An implicit VR element header (0008,0005) with a plausible length, then bytes that are no data set.
    const head = Buffer.alloc(32 * MIB, 0x41);
    head.writeUInt32LE(0x00050008, 0);
    head.writeUInt32LE(4, 4);
    writeSparse(noise, head, GIB);
    await expect(readHeader(noise)).rejects.toThrow(/noise\.dcm/);
  });
});

describe('inflating deflated data sets (PS3.5 A.5) no further than the header describes', () => {
  it('still decodes the real deflated file bit for bit (pydicom reference)', async () => {
    const d = await decodeFile(fixture('pydicom-test-files', 'image_dfl.dcm'));
    expect([d.rows, d.columns, d.minValue, d.maxValue]).toEqual([512, 512, 0, 255]);
  });

  it('reads the header of a bomb whose pixel data inflate to 1 GiB, and refuses to decode it', async () => {
    const bomb = join(dir, 'bomb-pixel-data.dcm');
    const bytes = deflateBomb('pixel-data');
    expect(bytes.length).toBeLessThan(1.1 * MIB);
    writeFileSync(bomb, bytes);
    expect(await readHeader(bomb)).toMatchObject({ rows: 512, columns: 512, transferSyntaxUid: '1.2.840.10008.1.2.1.99' });
    const err = await decodeFile(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedDicomError);
    // 512 × 512 × 8 bits + the header + the 1 MiB margin.
    expect((err as MalformedDicomError).reason).toMatch(/inflate to more than the 1\.3 MiB its header describes/);
  });

  it('refuses a gigabyte of trailing padding after the real pixel data', async () => {
    const bomb = join(dir, 'bomb-trailing.dcm');
    writeFileSync(bomb, deflateBomb('trailing'));
    expect((await readHeader(bomb)).rows).toBe(512);
    await expect(decodeFile(bomb)).rejects.toThrow(/its header describes/);
  });

  it('refuses a deflated stream of zeros as no data set, before the header step grows', async () => {
    const bomb = join(dir, 'bomb-zeros.dcm');
    writeFileSync(bomb, deflateBomb('no-data-set'));
    await expect(readHeader(bomb)).rejects.toThrow(/not a DICOM data set/);
    await expect(decodeFile(bomb)).rejects.toThrow(/not a DICOM data set/);
  });

  it('refuses a header that inflates past the limit before any pixel data', async () => {
    const bomb = join(dir, 'bomb-long-header.dcm');
    writeFileSync(bomb, deflateBomb('long-header'));
    await expect(readHeader(bomb)).rejects.toThrow(/no image data within the first 16 MiB/);
  });

  it('finds a long header that fits the limit even when one inflation step overshoots it', async () => {
    // 15 MiB of private zeros before the pixel data: the input step that reaches the pixel data inflates to
    // more than 16 MiB, so the reader narrows the input down instead of refusing the file.
    const { meta, dataSet, pixelDataAt } = realDeflated();
    const padding = 15 * MIB;
    const creator = Buffer.from([0xd1, 0x7f, 0x10, 0x00, 0x4c, 0x4f, 0x04, 0x00, 0x54, 0x45, 0x53, 0x54]);
    const stream = deflateParts([dataSet.subarray(0, pixelDataAt), creator, longElementHeader(0x7fd1, 0x1000, 'OB', padding), padding, dataSet.subarray(pixelDataAt)]);
    const file = join(dir, 'long-deflated-header.dcm');
    writeFileSync(file, Buffer.concat([meta, stream]));
    expect((await readHeader(file)).rows).toBe(512);
    expect((await decodeFile(file)).maxValue).toBe(255);
  });
});

describe('headers are read in the decode workers', () => {
  it('gives the same header as in-process reading, and typed errors for hostile files', async () => {
    const pool = new DecodePool({ worker: bundleWorkers()['decode.worker'], size: 1 });
    try {
      const path = fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm');
      expect(await pool.readHeader(path)).toEqual(await readHeader(path));
      const bomb = join(dir, 'bomb-for-pool.dcm');
      writeFileSync(bomb, deflateBomb('no-data-set'));
      await expect(pool.readHeader(bomb)).rejects.toBeInstanceOf(MalformedDicomError);
    } finally {
      await pool.close();
    }
  });
});
