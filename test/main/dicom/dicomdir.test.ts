// DICOMDIR records (PS3.3 F.3, F.5): the files a directory references, in its patient → study → series order,
// from pydicom's DICOMDIR test files (written by DCMTK's dcmmkdir and pydicom, some edited upstream) and byte edits
// of them.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NotDicomError, directoryFromBytes, readDicomDirectory } from '../../../main/dicom';
import { fixture } from './fixtures';

const DIR = (...parts: string[]) => fixture('pydicom-test-files', 'dicomdirtests', ...parts);

/** The hierarchy pydicom's README.txt lists for dicomdirtests/DICOMDIR (a straight read by pydicom). */
const README_ORDER = [
  '77654033/CR1/6154', '77654033/CR2/6247', '77654033/CR3/6278',
  '77654033/CT2/17106', '77654033/CT2/17136', '77654033/CT2/17166', '77654033/CT2/17196',
  '98892001/CT2N/6293', '98892001/CT2N/6924',
  '98892001/CT5N/2062', '98892001/CT5N/2392', '98892001/CT5N/2693', '98892001/CT5N/3023', '98892001/CT5N/3353',
  '98892003/MR1/15820', '98892003/MR2/15970',
  '98892003/MR1/4919', '98892003/MR2/4950', '98892003/MR2/5011', '98892003/MR2/4981',
  '98892003/MR1/5641', '98892003/MR2/6935', '98892003/MR2/6605', '98892003/MR2/6273',
  '98892003/MR700/4558', '98892003/MR700/4528', '98892003/MR700/4588', '98892003/MR700/4467', '98892003/MR700/4618', '98892003/MR700/4678', '98892003/MR700/4648',
];

const paths = (d: { files: { fileId: string[] }[] }) => d.files.map((f) => f.fileId.join('/'));

/** The DICOMDIR with `from` replaced by `to` (same length: every offset stays right). */
function edited(bytes: Buffer, edits: Array<[from: Buffer | string, to: Buffer | string, occurrence?: number]>): Buffer {
  const out = Buffer.from(bytes);
  for (const [from, to, occurrence = 0] of edits) {
    const needle = Buffer.isBuffer(from) ? from : Buffer.from(from, 'latin1');
    let at = -1;
    for (let i = 0; i <= occurrence; i++) at = out.indexOf(needle, at + 1);
    const replacement = Buffer.isBuffer(to) ? to : Buffer.from(to.padEnd(needle.length, ' '), 'latin1');
    if (at < 0 || replacement.length !== needle.length) throw new Error(`cannot edit ${needle.toString('latin1')}`);
    replacement.copy(out, at);
  }
  return out;
}

/** The 4-byte little-endian value `n`. */
const ul = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

describe('DICOMDIR', () => {
  it('lists every referenced file in patient, study, series order, with where it belongs', async () => {
    const dir = await readDicomDirectory(DIR('DICOMDIR'));
    expect(dir.fileSetId).toBe('PYDICOM_TEST');
    expect(paths(dir)).toEqual(README_ORDER);
    expect(dir.files[0]).toMatchObject({ recordType: 'IMAGE', image: true, patientName: 'Doe^Archibald', patientId: '77654033', studyDate: '20010101', seriesNumber: '1', modality: 'CR' });
    expect(dir.files[6]).toMatchObject({ studyDescription: 'CT, HEAD/BRAIN WO CONTRAST', seriesNumber: '2', modality: 'CT' });
    expect(dir.files[30]).toMatchObject({ patientName: 'Doe^Peter', studyDescription: 'Brain-MRA', seriesNumber: '700', modality: 'MR' });
    expect(dir.invalidFileIds).toEqual([]);
  });

  it('reads the same records in big endian, implicit VR and reordered files', async () => {
    for (const name of ['DICOMDIR-bigEnd', 'DICOMDIR-implicit', 'DICOMDIR-reordered']) {
      expect(paths(await readDicomDirectory(DIR(name))), name).toEqual(README_ORDER);
    }
  });

  it('still finds every file when the root offset points at one image record and the patient records have no valid type', async () => {
    // DICOMDIR-nopatient: reordered, the patient records typed UNKNOWN, the root offset left pointing at an IMAGE.
    expect(paths(await readDicomDirectory(DIR('DICOMDIR-nopatient'))).sort()).toEqual([...README_ORDER].sort());
  });

  it('reads the records in sequence order when the offsets lead nowhere', () => {
    const bytes = readFileSync(DIR('DICOMDIR'));
    // Offset of the First Directory Record of the Root Directory Entity (0004,1200) UL 396 → 0.
    const noRoot = edited(bytes, [[Buffer.concat([Buffer.from([0x04, 0x00, 0x00, 0x12]), Buffer.from('UL'), Buffer.from([4, 0]), ul(396)]), Buffer.concat([Buffer.from([0x04, 0x00, 0x00, 0x12]), Buffer.from('UL'), Buffer.from([4, 0]), ul(0)])]]);
    expect(paths(directoryFromBytes('noroot', noRoot))).toEqual(README_ORDER);
  });

  it('survives records whose offsets loop', () => {
    const bytes = readFileSync(DIR('DICOMDIR'));
    // The first patient's Offset of the Next Directory Record (0004,1400) → the patient record itself (396).
    const loop = edited(bytes, [[Buffer.concat([Buffer.from([0x04, 0x00, 0x00, 0x14]), Buffer.from('UL'), Buffer.from([4, 0]), ul(3126)]), Buffer.concat([Buffer.from([0x04, 0x00, 0x00, 0x14]), Buffer.from('UL'), Buffer.from([4, 0]), ul(396)])]]);
    expect(paths(directoryFromBytes('loop', loop)).sort()).toEqual([...README_ORDER].sort());
  });

  it('skips inactive records, marks records that hold no image, refuses paths outside its folder', () => {
    const bytes = readFileSync(DIR('DICOMDIR'));
    const out = edited(bytes, [
      // CR2/6247 → '..\CR2\6247': a path out of the file-set's folder.
      ['77654033\\CR2\\6247', '..\\CR2\\6247'],
      // The record type of the first IMAGE (CR1/6154) → PLAN (PS3.3 F.5.24: no image).
      ['IMAGE ', 'PLAN  '],
    ]);
    // Record In-use Flag (0004,1410) of the record before CR3's → 0000H (inactive): find CR3's record by its File ID
    // and the flag just before it.
    const cr3 = out.indexOf(Buffer.from('77654033\\CR3\\6278', 'latin1'));
    const flag = out.lastIndexOf(Buffer.from([0x04, 0x00, 0x10, 0x14, 0x55, 0x53, 0x02, 0x00, 0xff, 0xff]), cr3);
    out.writeUInt16LE(0, flag + 8);
    const dir = directoryFromBytes('edited', out);
    expect(dir.invalidFileIds).toEqual(['..\\CR2\\6247']);
    expect(paths(dir)).not.toContain('77654033/CR3/6278');
    expect(dir.files[0]).toMatchObject({ fileId: ['77654033', 'CR1', '6154'], recordType: 'PLAN', image: false });
    expect(dir.files).toHaveLength(README_ORDER.length - 2);
  });

  it('lists pydicom’s File-set of alphanumeric File IDs and an empty DICOMDIR', async () => {
    const tiny = await readDicomDirectory(DIR('TINY_ALPHA', 'DICOMDIR'));
    expect(tiny.fileSetId).toBe('TINY ALPHA');
    expect(tiny.files).toHaveLength(50);
    expect(tiny.files[0].fileId).toEqual(['PT000000', 'ST000000', 'SE000000', 'IM000000']);
    expect((await readDicomDirectory(DIR('DICOMDIR-empty.dcm'))).files).toEqual([]);
  });

  it('says a file without directory records is no DICOMDIR', async () => {
    await expect(readDicomDirectory(fixture('pydicom-test-files', 'CT_small.dcm'))).rejects.toThrow(NotDicomError);
    await expect(readDicomDirectory(fixture('pydicom-test-files', 'CT_small.dcm'))).rejects.toThrow(/not a DICOMDIR/);
  });
});
