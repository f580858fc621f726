// De-identified export (PS3.15 Annex E): every attribute of Table E.1-1 checked in the output of an image that holds
// all of them, under the Basic Profile and with both options; no original identifier anywhere in the files; pixel
// data bit-exact across transfer syntaxes; burned-in annotation refused unless confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { parseDicom, type DataSet } from 'dicom-parser';
import type { DeidentifyOptions } from '../../../app/domain/export';
import { CONFIDENTIALITY_PROFILE, type ProfileRow } from '../../../main/export/deid/profile-table';
import { allowedActions } from '../../../main/export/deid/profile';
import { deidentifyStudy } from '../../../main/export/deid/deidentify-study';
import { BurnedInAnnotationError } from '../../../main/export/deid/deidentify-image';
import { readSourceImages, subjectFromImages } from '../../../main/export/report-subject';
import { decodeBytes } from '../../../main/dicom/index';
import type { StudySummary } from '../../../app/domain/study';
import { dciodvfy, dcmdump, dsrdump } from '../../support/validators';
import { part10, dxImage, u16le, type El } from '../dicom/build-dicom';
import { ROOT, signedRecord } from './fixtures';

const BASIC: DeidentifyOptions = { retainModifiedDates: false, cleanDescriptors: false, confirmBurnedInAnnotation: false };
const BOTH: DeidentifyOptions = { retainModifiedDates: true, cleanDescriptors: true, confirmBurnedInAnnotation: false };

// The identity the synthetic study carries everywhere the table allows a value.
const NAME = 'Quixotez^Zebedee';
const PATIENT_ID = 'PIDQZ4242';
const ACCESSION = 'ACCQZ777';
const DATE = '20240315';
const STUDY_UID = '1.2.826.0.1.3680043.10.999.1';
const SERIES_UID = '1.2.826.0.1.3680043.10.999.2';
const DX_CLASS = '1.2.840.10008.5.1.4.1.1.1.1';
const TEXT = (n: number) => `Quixotez Zebedee ${PATIENT_ID} ${ACCESSION} 2024-03-15 note${n}`;

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'radraft-deid-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The table's rows that name one attribute of a data set (not the command group, the File Meta or a wildcard). */
const DATASET_ROWS = CONFIDENTIALITY_PROFILE.filter((r) => /^[0-9A-F]{8}$/.test(r.tag) && !r.tag.startsWith('0000') && !r.tag.startsWith('0002'));

function vrOf(tag: string): string {
  const entry = dcmjs.data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  const vr = entry?.vr ?? 'UN';
  if (vr === 'xs') return 'US';
  return /^[A-Z]{2}$/.test(vr) ? vr : 'OB';
}

/** A value for the attribute that identifies the patient as much as its VR allows, unique where it can be. */
function identifyingValue(row: ProfileRow, n: number): El['value'] {
  const vr = vrOf(row.tag);
  switch (vr) {
    case 'DA':
      return DATE;
    case 'DT':
      return `${DATE}101500`;
    case 'TM':
      return '101500';
    case 'UI':
      return `1.2.826.0.1.3680043.10.999.${100 + n}`;
    case 'PN':
      return NAME;
    case 'CS':
      return PATIENT_ID;
    case 'AE':
      return 'QZAE';
    case 'AS':
      return '045Y';
    case 'DS':
      return '1234.5';
    case 'IS':
      return '98765';
    case 'US':
      return [7];
    case 'UR':
      return 'http://qz.example/';
    case 'SQ':
      return [
        [
          { tag: 0x00100010, vr: 'PN', value: NAME },
          { tag: 0x00081150, vr: 'UI', value: DX_CLASS },
          { tag: 0x00081155, vr: 'UI', value: `1.2.826.0.1.3680043.10.999.${5000 + n}` },
        ],
      ];
    case 'OB':
    case 'UN':
    case 'OW':
      return new TextEncoder().encode(`QZBINARY${n}`);
    default:
      return TEXT(n).slice(0, vr === 'SH' ? 16 : 64);
  }
}

/** A DX image holding every attribute of Table E.1-1 (and private, curve and overlay data), 16×16 pixels. */
function everyAttributeImage(sopUid: string, burnedIn = 'NO'): Uint8Array {
  const elements: El[] = DATASET_ROWS.map((row, n) => ({ tag: parseInt(row.tag, 16) >>> 0, vr: vrOf(row.tag), value: identifyingValue(row, n) }));
  const fixed: El[] = [
    { tag: 0x00080018, vr: 'UI', value: sopUid },
    { tag: 0x00100010, vr: 'PN', value: NAME },
    { tag: 0x00100020, vr: 'LO', value: PATIENT_ID },
    { tag: 0x00080050, vr: 'SH', value: ACCESSION },
    { tag: 0x0020000d, vr: 'UI', value: STUDY_UID },
    { tag: 0x0020000e, vr: 'UI', value: SERIES_UID },
    { tag: 0x00080020, vr: 'DA', value: DATE },
    { tag: 0x00280301, vr: 'CS', value: burnedIn },
    { tag: 0x00090010, vr: 'LO', value: 'QZ PRIVATE CREATOR' },
    { tag: 0x00091001, vr: 'LO', value: 'QZ private value' },
    { tag: 0x50003000, vr: 'OB', value: new TextEncoder().encode('QZCURVE!') },
    { tag: 0x60003000, vr: 'OB', value: new TextEncoder().encode('QZOVERLY') },
    { tag: 0x60004000, vr: 'LT', value: `Overlay ${NAME}` },
  ];
  const all = [...elements.filter((e) => !fixed.some((f) => f.tag === e.tag)), ...fixed];
  const pixels = u16le(Array.from({ length: 256 }, (_, i) => (i * 97) % 4096));
  return part10(dxImage({ rows: 16, columns: 16, bitsStored: 12, pixels, extra: all }));
}

/** The identifying strings the synthetic study holds (times are kept under Modified Dates, so not listed). */
function identifiers(): string[] {
  const uids = DATASET_ROWS.map((row, n) => (vrOf(row.tag) === 'UI' ? String(identifyingValue(row, n)) : '')).filter((u) => u !== '');
  const nested = DATASET_ROWS.map((row, n) => (vrOf(row.tag) === 'SQ' ? `1.2.826.0.1.3680043.10.999.${5000 + n}` : '')).filter((u) => u !== '');
  return [NAME, 'Quixotez', 'Zebedee', PATIENT_ID, ACCESSION, DATE, '2024-03-15', STUDY_UID, SERIES_UID, 'QZAE', 'qz.example', 'QZBINARY', 'QZ PRIVATE', 'QZ private', 'QZCURVE', 'QZOVERLY', ...uids, ...nested, 'Dr Ada Lovelace', 'Lovelace'];
}

function summaryFor(files: string[]): StudySummary {
  return {
    studyInstanceUid: STUDY_UID,
    patientName: 'Quixotez Zebedee',
    patientId: PATIENT_ID,
    studyDate: DATE,
    studyDescription: '',
    accessionNumber: ACCESSION,
    modalities: ['DX'],
    images: files.map((filePath, i) => ({ imageId: `${filePath}#0`, filePath, sopInstanceUid: `9.${i}`, seriesInstanceUid: SERIES_UID, studyInstanceUid: STUDY_UID, modality: 'DX', viewPosition: 'PA', rows: 16, columns: 16, frames: 1 })),
  };
}

async function exportSynthetic(options: DeidentifyOptions, burnedIn = 'NO') {
  const files = ['a', 'b'].map((s, i) => {
    const file = join(dir, `synthetic-${s}-${burnedIn}.dcm`);
    writeFileSync(file, everyAttributeImage(`1.2.826.0.1.3680043.10.999.90${i}`, burnedIn));
    return file;
  });
  const summary = summaryFor(files);
  const sources = await readSourceImages(summary);
  const record = signedRecord(STUDY_UID, {
    sections: { indication: `Follow-up for Quixotez, MRN ${PATIENT_ID}, seen 2024-03-15.`, technique: 'PA.', comparison: 'Compared with 03/01/2024.', findings: 'Clear lungs.', impression: `Normal. Discussed with Zebedee on March 15, 2024 (accession ${ACCESSION}).` },
    ai: {},
    provenance: null,
  });
  return deidentifyStudy({ record, summary, subject: subjectFromImages(summary, sources), sources, options, exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0' });
}

function parse(bytes: Uint8Array): DataSet {
  return parseDicom(bytes);
}

function value(ds: DataSet, tag: string): string | undefined {
  const el = ds.elements[`x${tag.toLowerCase()}`];
  if (!el) return undefined;
  return Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).toString('latin1').replace(/[\0 ]+$/, '');
}

describe.each([
  ['the Basic Profile', BASIC],
  ['Basic Profile + Modified Dates + Clean Descriptors', BOTH],
])('de-identification under %s', (_label, options) => {
  it('does to every attribute of PS3.15 Table E.1-1 what the table says', async () => {
    const result = await exportSynthetic(options);
    const before = parse(readFileSync(join(dir, 'synthetic-a-NO.dcm')));
    const after = parse(result.images[0].bytes);
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    for (const row of DATASET_ROWS) {
      const original = value(before, row.tag);
      if (original === undefined) continue;
      const vr = vrOf(row.tag);
      const out = value(after, row.tag);
      const allowed = allowedActions(row, options);
      const el = after.elements[`x${row.tag.toLowerCase()}`];
      const outcome =
        out === undefined ? 'X'
        : row.tag === '00100010' || row.tag === '00100020' ? 'Z' // pseudonyms: Z allows a dummy value
        : vr === 'SQ' ? (el?.items?.length ? 'U*' : 'Z')
        : out === '' ? 'Z'
        : out === original ? 'K'
        : vr === 'UI' ? 'U'
        : options.retainModifiedDates && (vr === 'DA' || vr === 'DT') && /^\d{8}/.test(out) && out !== '19000101' && !out.startsWith('19000101') ? 'C'
        : ((options.cleanDescriptors && row.cleanDescriptors === 'C') || (options.retainModifiedDates && row.modifiedDates === 'C')) && out.includes('XXXX') ? 'C'
        : 'D';
      const ok =
        allowed.includes(outcome as never) ||
        (outcome === 'Z' && allowed.includes('D')) || // an emptied sequence stands for a dummy one (nothing survives)
        (outcome === 'U*' && allowed.includes('C')) || // a sequence cleaned item by item
        (outcome === 'X' && allowed.includes('C')) || // a value that cannot be cleaned (binary) is removed
        (outcome === 'U' && allowed.includes('D')) || // a UID's dummy is its consistent replacement
        (outcome === 'K' && vr === 'TM' && allowed.includes('C')); // Modified Dates moves whole days: times stay
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (!ok) failures.push(`(${row.tag.slice(0, 4)},${row.tag.slice(4)}) ${row.name} [${row.basic}] → ${outcome} (${JSON.stringify(out)})`);
    }
    expect(failures).toEqual([]);
    const checked = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(checked).toBe(DATASET_ROWS.length);
    console.info(`PS3.15 Table E.1-1 (${options === BASIC ? 'basic' : 'basic + modified dates + clean descriptors'}): ${checked} attributes checked: ${JSON.stringify(counts)}`);

    // Private, curve and overlay data removed; identity removal recorded.
    for (const tag of ['00090010', '00091001', '50003000', '60003000', '60004000']) expect(value(after, tag), tag).toBeUndefined();
    expect(value(after, '00120062')).toBe('YES');
    expect(value(after, '00120063')).toContain('Basic Application Confidentiality Profile');
    const codes = (after.elements.x00120064.items ?? []).map((item) => value(item.dataSet!, '00080100'));
    expect(codes).toEqual(options === BASIC ? ['113100'] : ['113100', '113107', '113105']);
    expect(value(after, '00280303')).toBe(options === BASIC ? 'REMOVED' : 'MODIFIED');
    expect(value(after, '00100010')).toBe('ANONYMOUS');
    if (options.retainModifiedDates) {
      // Every date moved by the same number of days.
      const shifted = value(after, '00080020')!;
      const days = (Date.UTC(+shifted.slice(0, 4), +shifted.slice(4, 6) - 1, +shifted.slice(6, 8)) - Date.UTC(2024, 2, 15)) / 86_400_000;
      expect(days).toBe(result.shiftDays);
      expect(days).toBeLessThanOrEqual(-365);
      expect(value(after, '00080021')).toBe(shifted);
    }
  });

  it('leaves no original identifier anywhere in the exported files, and replaces UIDs consistently across the study', async () => {
    const result = await exportSynthetic(options);
    expect(result.files.map((f) => f.name)).toEqual(['IMG0001.dcm', 'IMG0002.dcm', 'report.txt', 'report-sr.dcm', 'README.txt']);
    const found: string[] = [];
    for (const file of result.files) {
      const text = Buffer.from(file.bytes).toString('latin1') + Buffer.from(file.bytes).toString('utf8');
      for (const id of identifiers()) if (text.includes(id)) found.push(`${file.name}: ${id}`);
    }
    expect(found).toEqual([]);

    const [a, b] = result.images;
    expect(a.studyInstanceUid).toBe(b.studyInstanceUid);
    expect(a.seriesInstanceUid).toBe(b.seriesInstanceUid);
    expect(a.sopInstanceUid).not.toBe(b.sopInstanceUid);
    expect(a.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    // The File Meta names the new SOP Instance UID, and the SR references the new image UIDs in the new study.
    expect(value(parse(a.bytes), '00020003')).toBe(a.sopInstanceUid);
    const srFile = join(dir, `sr-${options === BASIC ? 'basic' : 'both'}.dcm`);
    writeFileSync(srFile, result.files.find((f) => f.name === 'report-sr.dcm')!.bytes);
    expect(dciodvfy(srFile).errors).toEqual([]);
    const sr = parse(readFileSync(srFile));
    expect(value(sr, '0020000D')).toBe(a.studyInstanceUid);
    expect(Buffer.from(readFileSync(srFile)).toString('latin1')).toContain(b.sopInstanceUid);
    const dump = dsrdump(srFile);
    expect(dump).toContain('Follow-up for XXXX, MRN XXXX, seen XXXX.');
    expect(dump).toContain('Discussed with XXXX on XXXX (accession XXXX)');
    const report = Buffer.from(result.files.find((f) => f.name === 'report.txt')!.bytes).toString('utf8');
    expect(report).toContain('Compared with XXXX.');
    expect(report).toContain('ANONYMOUS');
  });
});

describe('de-identified images', () => {
  const REAL = [
    'test/fixtures/dicom/cxr/nih_dx_pa_00000002_implLE_8bit.dcm',
    'test/fixtures/dicom/cxr/barre_CR-MONO1-10-chest_nometa.dcm',
    'test/fixtures/dicom/cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm',
    'test/fixtures/dicom/cxr/pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm',
    'test/fixtures/dicom/cxr-derived/barre_CR-MONO1-10-chest_explicitBE.dcm',
    'test/fixtures/dicom/cxr-derived/barre_CR-MONO1-10-chest_rle.dcm',
    'test/fixtures/dicom/pydicom-test-files/image_dfl.dcm',
  ];

  it.each(REAL)('keep the pixel data bit-exact: %s', async (relative) => {
    const file = join(ROOT, relative);
    const summary = summaryFor([file]);
    const sources = await readSourceImages(summary);
    expect(sources).toHaveLength(1);
    const original = sources[0].header;
    const result = deidentifyStudy({ record: signedRecord(original.text('x0020000d')), summary, subject: subjectFromImages(summary, sources), sources, options: BASIC, exportedAt: '2026-11-29T12:00:00.000Z', appVersion: '0.1.0' });
    const image = result.images[0];
    // The Pixel Data element, header and value, is the original's byte for byte.
    expect(image.pixelData).not.toBeNull();
    expect(Buffer.from(image.pixelData!.output).equals(Buffer.from(image.pixelData!.input))).toBe(true);
    // Independently: dicom-parser finds the same Pixel Data value, the engine decodes the same stored values.
    const sha = async (bytes: Uint8Array) => createHash('sha256').update((await decodeBytes(file, bytes)).pixels).digest('hex');
    expect(await sha(image.bytes)).toBe(await sha(new Uint8Array(readFileSync(file))));
    // DCMTK reads the output and finds the identity gone.
    const out = join(dir, `real-${relative.replace(/\W+/g, '_')}.dcm`);
    writeFileSync(out, image.bytes);
    const dump = dcmdump(out);
    expect(dump).toMatch(/\[YES\] +# +4, 1 PatientIdentityRemoved/);
    expect(dump).toContain('ANONYMOUS');
    for (const id of [original.text('x00100020'), original.text('x0020000d'), original.text('x00080018')].filter((s) => s.length > 3)) expect(dump).not.toContain(id);
  });

  it('refuses an image flagged Burned In Annotation YES unless the clinician confirms', async () => {
    await expect(exportSynthetic(BASIC, 'YES')).rejects.toThrow(BurnedInAnnotationError);
    await expect(exportSynthetic(BASIC, 'YES')).rejects.toThrow(/Burned In Annotation YES.*confirm/);
    const confirmed = await exportSynthetic({ ...BASIC, confirmBurnedInAnnotation: true }, 'YES');
    expect(confirmed.images).toHaveLength(2);
    expect(Buffer.from(confirmed.files.find((f) => f.name === 'README.txt')!.bytes).toString('utf8')).toContain('confirmed');
  });
});
