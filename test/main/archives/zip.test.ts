// Zip archives read in place: real archives built from fixture files (and one written by Info-ZIP's zip), read
// entry by entry exactly as the files themselves; and hand-made zip bombs and lying archives, refused with a
// message before anything large is inflated.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { ZipRefusedError, ZipUnreadableError } from '../../../main/archives/errors';
import { listZipArchive, type ZipListing } from '../../../main/archives/zip-listing';
import { MAX_EXPANSION_RATIO } from '../../../main/archives/zip-limits';
import { DecodePool, MalformedDicomError, NotDicomError, decodeFile, readHeader, type DicomSource } from '../../../main/dicom';
import { ZipTree } from '../../../main/studies/file-set';
import { bundleWorkers } from '../drafting/bundle-workers';
import { fixture, pixelSha256 } from '../dicom/fixtures';
import { buildZip, type CentralRecord } from './zip-writer';

const CT = fixture('pydicom-test-files', 'CT_small.dcm');
const MR = fixture('pydicom-test-files', 'MR_small.dcm');
const J2K = fixture('cxr-derived', 'barre_CR-MONO1-10-chest_j2k_lossless.dcm');
const INFOZIP = join(__dirname, '../../fixtures/archives/dicomdirtests-infozip-stream.zip');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-zip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The source of entry `name` of a listed archive, as the study index builds it. */
function entry(listing: ZipListing, name: string): DicomSource {
  return new ZipTree(listing).source(name);
}

describe('listing a zip archive', () => {
  it('lists the entries that may be DICOM, in nested folders, and skips the rest', async () => {
    const path = write('study.zip', buildZip([
      { name: 'study/' },
      { name: 'study/series 1/' },
      { name: 'study/series 1/CT_small.dcm', data: readFileSync(CT) },
      { name: 'study/series 2/IM000001', data: readFileSync(MR), method: 0 },
      { name: 'study/notes.txt', data: Buffer.from('a note') },
      { name: '__MACOSX/study/._CT_small.dcm', data: Buffer.from('resource fork') },
      { name: 'study/.DS_Store', data: Buffer.from('finder') },
    ]));
    const listing = await listZipArchive(path, 100);
    expect(listing.entries.map((e) => e.name)).toEqual(['study/series 1/CT_small.dcm', 'study/series 2/IM000001']);
    expect(listing.entries.map((e) => e.method)).toEqual([8, 0]);
    expect(listing).toMatchObject({ refused: [], truncated: false, archive: { path, size: readFileSync(path).length } });
  });

  it('reads an archive Info-ZIP wrote to a pipe (data descriptors, extra fields)', async () => {
    const listing = await listZipArchive(INFOZIP, 100);
    expect(listing.entries).toHaveLength(32); // the DICOMDIR and its 31 images; folders are not entries here
    expect(listing.entries[0].name).toBe('DICOMDIR');
    const header = await readHeader(entry(listing, '77654033/CR1/6154'));
    expect(header).toMatchObject({ modality: 'CR', patientName: 'Doe^Archibald' });
  });

  it('stops at the number of entries asked for', async () => {
    const path = write('many.zip', buildZip(Array.from({ length: 5 }, (_, i) => ({ name: `IM${i}`, data: Buffer.from([i]) }))));
    const listing = await listZipArchive(path, 3);
    expect(listing.entries).toHaveLength(3);
    expect(listing.truncated).toBe(true);
  });

  it('says what is wrong with files that are no zip archive or lost their end', async () => {
    const notZip = write('scan.zip', readFileSync(CT));
    await expect(listZipArchive(notZip, 10)).rejects.toThrow(ZipUnreadableError);
    await expect(listZipArchive(notZip, 10)).rejects.toThrow(/not a zip archive, or an incomplete one/);
    const whole = buildZip([{ name: 'CT_small.dcm', data: readFileSync(CT) }]);
    const cut = write('cut.zip', whole.subarray(0, whole.length - 30));
    await expect(listZipArchive(cut, 10)).rejects.toThrow(/not a zip archive, or an incomplete one/);
    await expect(listZipArchive(join(dir, 'missing.zip'), 10)).rejects.toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe('zip bombs and lying archives', () => {
  it('refuses an archive whose entries overlap (one compressed stream counted many times)', async () => {
    const kernel = Buffer.alloc(1024 * 1024); // 1 MiB of zeros deflates to about 1 KiB
    const path = write('overlap.zip', buildZip([{ name: 'IM0', data: kernel }], {
      // 2000 central directory records, all pointing at the one local entry: 2 GiB from a 100 KB file.
      centralDirectory: ([kernelRecord]) => Array.from({ length: 2000 }, (_, i): CentralRecord => ({ ...kernelRecord, name: `IM${i}` })),
    }));
    await expect(listZipArchive(path, 100_000)).rejects.toThrow(ZipRefusedError);
    await expect(listZipArchive(path, 100_000)).rejects.toThrow(/entries of this archive overlap/);
  });

  it(`refuses an archive whose images would expand past ${MAX_EXPANSION_RATIO} times its size`, async () => {
    // 100 real entries of 1 MiB of zeros each: every one is honest, the archive (about 110 KB) expands 900-fold.
    const zeros = Buffer.alloc(1024 * 1024);
    const path = write('ratio.zip', buildZip(Array.from({ length: 100 }, (_, i) => ({ name: `IM${i}`, data: zeros }))));
    const error = await listZipArchive(path, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipRefusedError);
    expect((error as ZipRefusedError).reason).toMatch(/would expand to 100 MB, more than 100 times the archive's \d+ KB \(a zip bomb/);
    // The same entries not named like DICOM (never read) do not count.
    const text = write('text.zip', buildZip(Array.from({ length: 100 }, (_, i) => ({ name: `log${i}.txt`, data: zeros }))));
    expect((await listZipArchive(text, 1000)).entries).toEqual([]);
  });

  it('refuses entries whose declared size is absurd or impossible, and opens the others', async () => {
    const ct = readFileSync(CT);
    const path = write('liars.zip', buildZip([
      { name: 'ok/CT_small.dcm', data: ct },
      { name: 'huge', data: Buffer.alloc(16), declaredSize: 0xfffffff0 },
      { name: 'impossible', data: Buffer.alloc(4096), declaredSize: 50 * 1024 * 1024 },
      { name: 'stored-lie', data: ct, method: 0, declaredSize: ct.length * 2 },
      { name: 'locked', data: ct, flags: 1 },
      { name: 'bzip2', data: ct, method: 12 },
      { name: 'past-end', data: ct, declaredCompressedSize: 10_000_000 },
    ]));
    const listing = await listZipArchive(path, 100);
    expect(listing.entries.map((e) => e.name)).toEqual(['ok/CT_small.dcm']);
    const reasons = Object.fromEntries(listing.refused.map((r) => [r.name, r.reason]));
    expect(reasons.huge).toMatch(/declares 4\.0 GB, more than the 1\.0 GB Radraft reads from an archive/);
    expect(reasons.impossible).toMatch(/declares more data than its compressed size can hold \(a zip bomb/);
    expect(reasons['stored-lie']).toMatch(/stored uncompressed but declares two different sizes/);
    expect(reasons.locked).toMatch(/encrypted/);
    expect(reasons.bzip2).toMatch(/method 12/);
    expect(reasons['past-end']).toMatch(/runs past the end of the archive/);
  });

  it('stops inflating an entry at the size it declares, and checks its CRC-32', async () => {
    const ct = readFileSync(CT);
    const path = write('lies.zip', buildZip([
      // The real file followed by 8 MiB it does not declare.
      { name: 'longer', data: Buffer.concat([ct, Buffer.alloc(8 * 1024 * 1024)]), declaredSize: ct.length },
      { name: 'shorter', data: ct.subarray(0, 4000), declaredSize: ct.length },
      { name: 'bad-crc', data: ct, crc32: 0x12345678 },
    ]));
    const listing = await listZipArchive(path, 100);
    // Inflation stops with the first chunk past the declared size: reading the header fails already.
    await expect(readHeader(entry(listing, 'longer'))).rejects.toThrow(/inflates to more data than its archive declares/);
    await expect(decodeFile(entry(listing, 'longer'))).rejects.toThrow(/inflates to more data than its archive declares/);
    await expect(decodeFile(entry(listing, 'shorter'))).rejects.toThrow(/inflates to less data than its archive declares|truncated/);
    await expect(decodeFile(entry(listing, 'bad-crc'))).rejects.toThrow(MalformedDicomError);
    await expect(decodeFile(entry(listing, 'bad-crc'))).rejects.toThrow(/CRC-32/);
  });
});

describe('reading entries', () => {
  it('decodes an entry to the same stored values as the file, deflated or stored, JPEG 2000 included', async () => {
    const path = write('images.zip', buildZip([
      { name: 'a/CT_small.dcm', data: readFileSync(CT) },
      { name: 'b/MR', data: readFileSync(MR), method: 0 },
      { name: 'c/j2k', data: readFileSync(J2K) },
    ]));
    const listing = await listZipArchive(path, 100);
    for (const [name, file] of [['a/CT_small.dcm', CT], ['b/MR', MR], ['c/j2k', J2K]] as const) {
      const source = entry(listing, name);
      expect(source.filePath).toBe(`${path}${sep}${name.split('/').join(sep)}`);
      const [fromZip, fromFile] = await Promise.all([decodeFile(source), decodeFile(file)]);
      expect(pixelSha256(fromZip.pixels), name).toBe(pixelSha256(fromFile.pixels));
      expect(fromZip.header.sopInstanceUid).toBe(fromFile.header.sopInstanceUid);
    }
  });

  it('closes the archive after every read, whole or stopped after the header', async () => {
    const ct = readFileSync(CT);
    const path = write('many.zip', buildZip(Array.from({ length: 40 }, (_, i) => ({ name: `IM${i}`, data: ct }))));
    const listing = await listZipArchive(path, 100);
    // Only descriptors on this test's archives: the pool and vitest open and close others meanwhile.
    const open = () => readdirSync('/proc/self/fd').filter((fd) => {
      try { return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir); } catch { return false; /* closed since readdir */ }
    }).length;
    // The listing closes its descriptor right after it answers.
    await expect.poll(open, { timeout: 5000 }).toBe(0);
    for (const e of listing.entries) await readHeader(entry(listing, e.name));
    for (const e of listing.entries.slice(0, 10)) await decodeFile(entry(listing, e.name));
    await expect(decodeFile(entry(await listZipArchive(write('bad.zip', buildZip([{ name: 'IM', data: ct, crc32: 1 }])), 1), 'IM'))).rejects.toThrow(/CRC-32/);
    // yauzl closes a file descriptor once its last stream has ended: give the streams a tick.
    await expect.poll(open, { timeout: 5000 }).toBe(0);
  });

  it('refuses to read from an archive that changed since it was listed', async () => {
    const path = write('changing.zip', buildZip([{ name: 'CT_small.dcm', data: readFileSync(CT) }]));
    const listing = await listZipArchive(path, 100);
    utimesSync(path, new Date(), new Date(Date.now() + 60_000));
    await expect(readHeader(entry(listing, 'CT_small.dcm'))).rejects.toThrow(NotDicomError);
    await expect(readHeader(entry(listing, 'CT_small.dcm'))).rejects.toThrow(/changed on disk after it was opened/);
  });
});

describe('in the decode workers', () => {
  const pool = new DecodePool({ worker: bundleWorkers()['decode.worker'], size: 2, timeoutMs: 30_000 });
  afterAll(() => pool.close());

  it('lists, reads headers and DICOMDIRs from, and decodes entries off the calling thread; revives the typed errors', async () => {
    const listing = await pool.listZip(INFOZIP, 100);
    expect(listing.entries).toHaveLength(32);
    const dicomdir = await pool.readDicomDirectory(entry(listing, 'DICOMDIR'));
    expect(dicomdir.files).toHaveLength(31);
    const source = entry(listing, '98892003/MR700/4648');
    const [header, image] = await Promise.all([pool.readHeader(source), pool.decode(source)]);
    expect(header.modality).toBe('MR');
    expect(pixelSha256(image.pixels)).toBe(pixelSha256((await decodeFile(fixture('pydicom-test-files', 'dicomdirtests', '98892003', 'MR700', '4648'))).pixels));
    const bomb = write('ratio.zip', buildZip(Array.from({ length: 100 }, (_, i) => ({ name: `IM${i}`, data: Buffer.alloc(1024 * 1024) }))));
    await expect(pool.listZip(bomb, 1000)).rejects.toThrow(ZipRefusedError);
    const notZip = write('not.zip', Buffer.from('not a zip'));
    await expect(pool.listZip(notZip, 1000)).rejects.toThrow(ZipUnreadableError);
  });

  it('revives an entry that lies about its size as the entry’s own problem', async () => {
    const ct = readFileSync(CT);
    const path = write('tail.zip', buildZip([{ name: 'dir/IM1', data: Buffer.concat([ct, Buffer.alloc(64 * 1024 * 1024)]), declaredSize: ct.length }]));
    const source = entry(await listZipArchive(path, 10), 'dir/IM1');
    const error = await pool.decode(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedDicomError);
    expect(error).toMatchObject({ filePath: source.filePath, reason: expect.stringMatching(/inflates to more data than its archive declares/) });
  });
});
