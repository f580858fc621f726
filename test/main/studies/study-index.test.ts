import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityConflictError, StudyIndex, UnknownImageError, splitStudyUid } from '../../../main/studies/study-index';
import { writeEdited } from '../dicom/edit-elements';
import { readImageHeader } from '../../../main/studies/header';
import { readHeader, readDicomDirectory, type DicomSource } from '../../../main/dicom';
import { listZipArchive } from '../../../main/archives/zip-listing';
import type { ImagePixels } from '../../../app/domain/study';

const SAMPLES = join(__dirname, '../../../resources/samples');
const PA = 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm';
const AP = 'siim_1.2.276.0.7230010.3.1.4.8323329.10000.1517875220.938530.dcm';
const MONO1 = 'pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm';

let dir: string;
const loads: string[] = [];
/** The engine's own readers, run in this thread (the app runs them in the decode workers); pixels faked. */
const inProcess = {
  readHeader,
  readDicomDirectory,
  listZip: listZipArchive,
  loadPixels: async (source: DicomSource, _frame: number, imageId: string): Promise<ImagePixels> => {
    loads.push(source.filePath);
    return { imageId } as ImagePixels;
  },
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-studies-'));
  loads.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readImageHeader', () => {
  it('reads the identifiers the study list needs without the pixel data', async () => {
    const h = await readImageHeader(join(SAMPLES, MONO1));
    expect(h).toMatchObject({ modality: 'DX', viewPosition: 'PA', rows: 2128, columns: 2000, frames: 1, sopInstanceUid: '1.2.392.200046.100.2.1.97028794843.150131102105.1.1.1' });
    expect(h.studyInstanceUid).toMatch(/^[\d.]+$/);
  });

  it('leaves the view blank when neither View Position nor Patient Position says PA/AP', async () => {
    expect((await readImageHeader(join(SAMPLES, 'nih_dx_pa_00000002_implLE_8bit.dcm'))).viewPosition).toBe('');
    expect((await readImageHeader(join(SAMPLES, AP))).viewPosition).toBe('AP');
  });
});

describe('StudyIndex', () => {
  it('opens a folder recursively and groups files by Study Instance UID, frontal PA first', async () => {
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    copyFileSync(join(SAMPLES, PA), join(dir, 'a/pa.dcm'));
    copyFileSync(join(SAMPLES, AP), join(dir, 'a/b/ap'));
    writeFileSync(join(dir, 'a/notes.txt'), 'not an image');
    const index = new StudyIndex({ ...inProcess });
    const result = await index.openPaths([dir]);
    expect(result.cancelled).toBe(false);
    expect(result.problems).toEqual([]); // notes.txt skipped by extension while walking
    expect(result.studies).toHaveLength(2);
    const views = result.studies.flatMap((s) => s.images.map((i) => i.viewPosition)).sort();
    expect(views).toEqual(['AP', 'PA']);
    for (const s of result.studies) expect(s.modalities).toEqual(['CR']);
  });

  it('puts two files of one study into one entry, PA before AP', async () => {
    // Same study, two views: rewrite the AP file's Study Instance UID is too invasive, so reuse one file twice
    // under different names; identical SOP UIDs from different files must both stay listed.
    copyFileSync(join(SAMPLES, PA), join(dir, 'one.dcm'));
    copyFileSync(join(SAMPLES, PA), join(dir, 'two.dcm'));
    const index = new StudyIndex({ ...inProcess });
    const { studies } = await index.openPaths([join(dir, 'one.dcm'), join(dir, 'two.dcm')]);
    expect(studies).toHaveLength(1);
    expect(studies[0].images.map((i) => i.filePath)).toEqual([join(dir, 'one.dcm'), join(dir, 'two.dcm')]);
    expect(new Set(studies[0].images.map((i) => i.imageId)).size).toBe(2);
  });

  it('lists each bad file with a reason and still opens the good ones', async () => {
    const good = join(dir, 'good.dcm');
    copyFileSync(join(SAMPLES, PA), good);
    const text = join(dir, 'readme.dcm');
    writeFileSync(text, 'Hello, this is not DICOM at all.\n'.repeat(20));
    const truncated = join(dir, 'truncated.dcm');
    writeFileSync(truncated, readFileSync(join(SAMPLES, PA)).subarray(0, 300));
    const empty = join(dir, 'empty.dcm');
    writeFileSync(empty, '');
    const missing = join(dir, 'missing.dcm');
    const index = new StudyIndex({ ...inProcess });
    const result = await index.openPaths([good, text, truncated, empty, missing]);
    expect(result.studies).toHaveLength(1);
    const reasons = Object.fromEntries(result.problems.map((p) => [p.filePath, p.reason]));
    expect(Object.keys(reasons).sort()).toEqual([empty, missing, text, truncated].sort());
    expect(reasons[text]).toMatch(/Not a DICOM file/);
    expect(reasons[truncated]).toMatch(/truncated/);
    expect(reasons[empty]).toMatch(/Not a DICOM file/);
    expect(reasons[missing]).toMatch(/does not exist/);
  });

  it('loads pixels only for images it indexed', async () => {
    const index = new StudyIndex({ ...inProcess });
    const { studies } = await index.openPaths([join(SAMPLES, PA)]);
    const imageId = studies[0].images[0].imageId;
    await expect(index.loadImage(imageId)).resolves.toMatchObject({ imageId });
    expect(loads).toEqual([join(SAMPLES, PA)]);
    await expect(index.loadImage('radraft:/etc/passwd')).rejects.toBeInstanceOf(UnknownImageError);
  });

  it('opening the same file twice keeps one image', async () => {
    const index = new StudyIndex({ ...inProcess });
    await index.openPaths([join(SAMPLES, PA)]);
    await index.openPaths([SAMPLES]);
    const all = index.list();
    expect(all).toHaveLength(4);
    expect(all.reduce((n, s) => n + s.images.length, 0)).toBe(4);
  });
});

describe('identity conflicts', () => {
  /** The PA sample twice, as two SOP instances of one study that name different patients. */
  function mixedStudy(): string[] {
    const a = join(dir, 'doe.dcm');
    const b = join(dir, 'roe.dcm');
    writeEdited(join(SAMPLES, PA), a, { x00100010: 'Doe^John', x00100020: 'PID-1' });
    writeEdited(join(SAMPLES, PA), b, { x00100010: 'Roe^Jane', x00100020: 'PID-2', x00080018: '1.2.826.0.1.3680043.2.1143.42' });
    return [a, b];
  }

  it('flags files that share a Study Instance UID but name different patients, and refuses to draft or sign them', async () => {
    const index = new StudyIndex({ ...inProcess });
    const { studies } = await index.openPaths(mixedStudy());
    expect(studies).toHaveLength(1);
    const conflict = studies[0].identityConflict;
    expect(conflict?.confirmed).toBe(false);
    expect(conflict?.identities.map((i) => [i.patientName, i.patientId, i.imageIds.length])).toEqual([
      ['Doe^John', 'PID-1', 1],
      ['Roe^Jane', 'PID-2', 1],
    ]);
    expect(() => index.requireOnePatient(studies[0].studyInstanceUid, 'sign')).toThrow(IdentityConflictError);
    expect(() => index.requireOnePatient(studies[0].studyInstanceUid, 'sign')).toThrow(/Doe, John \(ID PID-1\), Roe, Jane \(ID PID-2\)/);
  });

  it('lifts the flag when the clinician confirms one patient, and only for those identities', async () => {
    const index = new StudyIndex({ ...inProcess });
    const [a, b] = mixedStudy();
    const uid = (await index.openPaths([a, b])).studies[0].studyInstanceUid;
    const [study] = index.resolveIdentity(uid, 'same-patient');
    expect(study.identityConflict?.confirmed).toBe(true);
    expect(() => index.requireOnePatient(uid, 'sign')).not.toThrow();
    // A third patient in the same study later is not covered by that confirmation.
    const c = join(dir, 'poe.dcm');
    writeEdited(join(SAMPLES, PA), c, { x00100010: 'Poe^Edgar', x00100020: 'PID-3', x00080018: '1.2.826.0.1.3680043.2.1143.43' });
    const [again] = (await index.openPaths([c])).studies;
    expect(again.identityConflict?.identities).toHaveLength(3);
    expect(again.identityConflict?.confirmed).toBe(false);
  });

  it('opens them as separate studies, one per patient, under keys that stay the same in the next session', async () => {
    const saved = new Map<string, unknown>();
    const decisions = { get: (uid: string) => saved.get(uid), set: (uid: string, d: unknown) => void saved.set(uid, d) };
    const index = new StudyIndex({ ...inProcess, identityDecisions: decisions });
    const files = mixedStudy();
    const uid = (await index.openPaths(files)).studies[0].studyInstanceUid;
    const parts = index.resolveIdentity(uid, 'separate');
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part.splitFrom).toBe(uid);
      expect(part.identityConflict).toBeUndefined();
      expect(part.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
      expect(part.studyInstanceUid.length).toBeLessThanOrEqual(64);
      expect(part.images).toHaveLength(1);
      expect(part.images[0].studyInstanceUid).toBe(part.studyInstanceUid);
      expect(() => index.requireOnePatient(part.studyInstanceUid, 'draft')).not.toThrow();
    }
    expect(parts.map((p) => p.patientName).sort()).toEqual(['Doe^John', 'Roe^Jane']);
    expect(new Set(parts.map((p) => p.studyInstanceUid)).size).toBe(2);
    // The next session reads the decision back and lists the same two keys.
    const next = new StudyIndex({ ...inProcess, identityDecisions: decisions });
    const reopened = (await next.openPaths(files)).studies;
    expect(reopened.map((s) => s.studyInstanceUid).sort()).toEqual(parts.map((p) => p.studyInstanceUid).sort());
    expect(splitStudyUid(uid, 'x')).toBe(splitStudyUid(uid, 'x'));
  });
});
