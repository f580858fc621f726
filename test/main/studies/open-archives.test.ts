// Opening DICOMDIRs, discs and zip archives (issue 10, items 6 and 7): the studies they reference open by patient,
// study and series; each file is read once however many ways lead to it; what is missing or refused is said once.
// The files are pydicom's DICOMDIR test set (test/fixtures/dicom/pydicom-test-files/dicomdirtests), copied here
// as discs and archives are really written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { ImagePixels, OpenResult } from '../../../app/domain/study';
import { listZipArchive } from '../../../main/archives/zip-listing';
import { readDicomDirectory, readHeader, type DicomSource } from '../../../main/dicom';
import { StudyIndex } from '../../../main/studies/study-index';
import { fixture } from '../dicom/fixtures';
import { buildZip, type ZipEntrySpec } from '../archives/zip-writer';

const SET = fixture('pydicom-test-files', 'dicomdirtests');
const CT = fixture('pydicom-test-files', 'CT_small.dcm');
const IMAGES = 31;

let dir: string;
let reads: string[];
const loads: DicomSource[] = [];

/** The engine's readers in this thread (the app runs them in the decode workers), counting the header reads. */
function index(): StudyIndex {
  return new StudyIndex({
    readHeader: (source) => {
      reads.push(source.filePath);
      return readHeader(source);
    },
    readDicomDirectory,
    listZip: listZipArchive,
    loadPixels: async (source: DicomSource, _frame: number, imageId: string) => {
      loads.push(source);
      return { imageId } as ImagePixels;
    },
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-archives-'));
  reads = [];
  loads.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const imageCount = (r: OpenResult) => r.studies.reduce((n, s) => n + s.images.length, 0);
const descriptions = (r: OpenResult) => r.studies.map((s) => `${s.patientName} ${s.studyDate} ${s.studyDescription} (${s.images.length})`).sort();

const STUDIES = [
  'Doe^Archibald 19950903 CT, HEAD/BRAIN WO CONTRAST (4)',
  'Doe^Archibald 20010101 XR C Spine Comp Min 4 Views (3)',
  'Doe^Peter 20010101  (7)',
  'Doe^Peter 20030505 Brain (4)',
  'Doe^Peter 20030505 Brain-MRA (11)',
  'Doe^Peter 20030505 Carotids (2)',
];

/** Every file under `root`, '/'-separated and relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(root, p)).isFile()).map((p) => p.split(sep).join('/'));
}

/** The DICOMDIR and its images, renamed as `rename` says (a disc's naming), into `target`. */
function copySet(target: string, rename: (component: string, file: boolean) => string, skip: (path: string) => boolean = () => false): void {
  for (const path of ['DICOMDIR', ...filesUnder(SET).filter((p) => /^\d{8}\//.test(p))]) {
    if (skip(path)) continue;
    const parts = path.split('/');
    const to = join(target, ...parts.map((c, i) => rename(c, i === parts.length - 1)));
    mkdirSync(join(to, '..'), { recursive: true });
    cpSync(join(SET, path), to);
  }
}

describe('DICOMDIR', () => {
  it('opens pydicom’s DICOMDIR folder by its directory: every referenced image once, the rest summed up', async () => {
    const result = await index().openPaths([SET]);
    expect(descriptions(result)).toEqual(STUDIES);
    expect(imageCount(result)).toBe(IMAGES);
    // No file's header was read twice (the DICOMDIR variants beside it list the same files).
    expect(reads.length).toBe(new Set(reads).size);
    // Two lines, not 57: TINY_ALPHA's 50 instances hold no pixel data (one line), and one DICOMDIR copy is damaged
    // upstream (its item lengths overrun the sequence).
    expect(result.problems).toEqual([
      { filePath: join(SET, 'DICOMDIR-nooffset'), reason: 'The file ends before the data it announces (truncated or damaged)' },
      { filePath: join(SET, 'TINY_ALPHA', 'PT000000', 'ST000000', 'SE000000'), reason: 'A DICOM file without an image (Modality CT).', files: 50 },
    ]);
  });

  it('opens what a DICOMDIR picked as a file references, and nothing else beside it', async () => {
    const result = await index().openPaths([join(SET, 'DICOMDIR')]);
    expect(descriptions(result)).toEqual(STUDIES);
    expect(result.problems).toEqual([]);
    expect(reads).toHaveLength(IMAGES);
    expect(reads.every((r) => /\/\d{8}\//.test(r))).toBe(true);
  });

  it('recognises a DICOMDIR under another name by its SOP Class', async () => {
    const result = await index().openPaths([join(SET, 'DICOMDIR-bigEnd')]);
    expect(imageCount(result)).toBe(IMAGES);
    expect(result.problems).toEqual([]);
  });

  it('opens a CD with ISO 9660 names, says once which listed files are missing, and keeps quiet about the disc’s viewer', async () => {
    // As a disc without Rock Ridge shows it: upper case, files with ".;1"; three MR700 images not on the disc.
    const cd = join(dir, 'cdrom');
    const lost = ['98892003/MR700/4467', '98892003/MR700/4528', '98892003/MR700/4558'];
    copySet(cd, (c, file) => (file ? `${c.toUpperCase()}.;1` : c.toUpperCase()), (p) => lost.includes(p));
    writeFileSync(join(cd, 'AUTORUN.INF;1'), '[autorun]\nopen=VIEWER\\VIEWER.EXE\n');
    mkdirSync(join(cd, 'VIEWER'));
    writeFileSync(join(cd, 'VIEWER', 'VIEWER.EXE;1'), 'MZ');
    writeFileSync(join(cd, 'VIEWER', 'CONFIG.DAT;1'), 'not DICOM at all');
    writeFileSync(join(cd, 'VIEWER', 'HELP'), 'not DICOM either');
    // A program the raw data set guess reads as DICOM without identifiers (main/dicom/parse.ts).
    cpSync(join(__dirname, '../../../main/dicom/codecs/openjpeg/openjpeg.wasm'), join(cd, 'VIEWER', 'CODEC.BIN;1'));
    const result = await index().openPaths([cd]);
    expect(imageCount(result)).toBe(IMAGES - lost.length);
    expect(result.problems).toEqual([
      {
        filePath: join(cd, '98892003', 'MR700'),
        reason: 'Listed in the DICOMDIR (Doe, Peter; 2003-05-05 Brain-MRA; series 700 MR) but not found: the file was not copied, or the disc is damaged.',
        files: 3,
      },
    ]);
    expect(reads.length).toBe(new Set(reads).size);
  });

  it('opens a disc mounted with lower-case names, and a single missing file as its own line', async () => {
    const cd = join(dir, 'mnt');
    copySet(cd, (c) => c.toLowerCase(), (p) => p === '77654033/CR2/6247');
    const result = await index().openPaths([cd]);
    expect(imageCount(result)).toBe(IMAGES - 1);
    expect(result.problems).toEqual([
      {
        filePath: join(cd, '77654033', 'CR2', '6247'),
        reason: 'Listed in the DICOMDIR (Doe, Archibald; 2001-01-01 XR C Spine Comp Min 4 Views; series 2 CR) but not found: the file was not copied, or the disc is damaged.',
      },
    ]);
  });

  it('still opens DICOM files the DICOMDIR does not list, once', async () => {
    const cd = join(dir, 'copy');
    copySet(cd, (c) => c);
    cpSync(CT, join(cd, 'EXTRA', 'CT_small.dcm'), { recursive: true });
    const result = await index().openPaths([cd, join(cd, '77654033'), join(cd, 'DICOMDIR')]);
    expect(imageCount(result)).toBe(IMAGES + 1);
    expect(reads).toHaveLength(IMAGES + 1);
    expect(result.problems).toEqual([]);
  });
});

describe('zip archives', () => {
  /** The pydicom set's files as zip entries below `prefix` (a zipped disc), plus `extra` entries. */
  function zipOfSet(prefix: string, extra: ZipEntrySpec[] = []): Buffer {
    const files = ['DICOMDIR', ...filesUnder(SET).filter((p) => /^\d{8}\//.test(p))];
    return buildZip([...files.map((p) => ({ name: prefix + p, data: readFileSync(join(SET, p)) })), ...extra]);
  }

  it('opens a zipped disc (a DICOMDIR in a folder of the archive) without unpacking it', async () => {
    const zip = join(dir, 'study.zip');
    writeFileSync(zip, zipOfSet('disc/', [
      { name: 'extra/CT_small.dcm', data: readFileSync(CT) },
      { name: 'disc/README.TXT', data: Buffer.from('Radiology CD') },
      { name: 'disc/VIEWER/CONFIG', data: Buffer.from('not DICOM') },
    ]));
    const result = await index().openPaths([zip]);
    expect(descriptions(result)).toEqual([...STUDIES, 'CompressedSamples^CT1 20040119 e+1 (1)'].sort());
    expect(result.problems).toEqual([]);
    expect(reads.length).toBe(new Set(reads).size);
    // Images are addressed by the archive and the entry; nothing was written beside the archive.
    const image = result.studies.flatMap((s) => s.images).find((i) => i.filePath.endsWith(`${sep}CT_small.dcm`));
    expect(image?.filePath).toBe(`${zip}${sep}extra${sep}CT_small.dcm`);
    expect(readdirSync(dir)).toEqual(['study.zip']);
  });

  it('opens nested folders of an archive without a DICOMDIR, and hands the loader the entry', async () => {
    const zip = join(dir, 'nested.zip');
    writeFileSync(zip, buildZip([
      { name: 'a/b/c/one.dcm', data: readFileSync(CT) },
      { name: 'a/two', data: readFileSync(join(SET, '77654033', 'CR1', '6154')), method: 0 },
    ]));
    const ix = index();
    const result = await ix.openPaths([zip]);
    expect(imageCount(result)).toBe(2);
    const one = result.studies.flatMap((s) => s.images).find((i) => i.filePath.endsWith('one.dcm'));
    await ix.loadImage(one?.imageId ?? '');
    expect(loads[0].zipEntry).toMatchObject({ name: 'a/b/c/one.dcm', archive: { path: zip } });
  });

  it('opens an archive found in a folder, and lists a refused one with its reason while the rest opens', async () => {
    mkdirSync(join(dir, 'inbox'));
    writeFileSync(join(dir, 'inbox', 'good.zip'), buildZip([{ name: 'CT_small.dcm', data: readFileSync(CT) }]));
    const bomb = join(dir, 'inbox', 'bomb.zip');
    writeFileSync(bomb, buildZip(Array.from({ length: 100 }, (_, i) => ({ name: `IM${i}`, data: Buffer.alloc(1024 * 1024) }))));
    const result = await index().openPaths([join(dir, 'inbox')]);
    expect(imageCount(result)).toBe(1);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ filePath: bomb, reason: expect.stringMatching(/^Its files would expand to 100 MB, more than 100 times the archive's/) });
    expect(reads).toHaveLength(1);
  });

  it('lists each refused entry, and a file and an entry of the same name stay two images', async () => {
    const zip = join(dir, 'mixed.zip');
    writeFileSync(zip, buildZip([
      { name: 'CT_small.dcm', data: readFileSync(CT) },
      { name: 'locked.dcm', data: readFileSync(CT), flags: 1 },
    ]));
    // A real folder named like the entry's display path cannot exist beside the archive; a file named like the
    // entry elsewhere is another image.
    cpSync(CT, join(dir, 'CT_small.dcm'));
    const result = await index().openPaths([zip, join(dir, 'CT_small.dcm')]);
    expect(result.studies).toHaveLength(1);
    expect(new Set(result.studies[0].images.map((i) => i.imageId)).size).toBe(2);
    expect(result.problems).toEqual([{ filePath: `${zip}${sep}locked.dcm`, reason: expect.stringMatching(/^The file is encrypted/) }]);
  });
});

describe('problem lines', () => {
  it('sums up many files of one folder that fail alike, and keeps different reasons apart', async () => {
    for (const name of ['a.dcm', 'b.dcm', 'c.dcm', 'd.dcm']) writeFileSync(join(dir, name), 'Hello, this is not DICOM at all.\n'.repeat(20));
    writeFileSync(join(dir, 'e.dcm'), readFileSync(CT).subarray(0, 300));
    const result = await index().openPaths([dir]);
    expect(result.problems.map((p) => ({ ...p, filePath: relative(dir, p.filePath) }))).toEqual([
      { filePath: '', reason: expect.stringMatching(/^Not a DICOM file/), files: 4 },
      { filePath: 'e.dcm', reason: expect.stringMatching(/truncated/) },
    ]);
  });
});
