// radraft export-dataset on a real report database and real DICOM files: the folder is read back as the Hugging Face
// imagefolder loader would, patients never straddle the splits, and no name, ID, date or UID leaks into any file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExportDataset } from '../../../main/cli/commands/export-dataset';
import { ReportStore } from '../../../main/storage/report-store';
import { readHeader } from '../../../main/dicom/index';
import { TrainingRecord, TrainingSetManifest, validationPatients } from '../../../app/eval/training-set';
import type { DicomHeader } from '../../../main/dicom/types';
import { tempDir } from '../../models/engine/fixtures';
import { signReport } from '../eval/sign-reports';

const DICOM = join(__dirname, '../../fixtures/dicom/cxr');
const FILES = {
  cardiomegaly: 'nih_dx_ap_cardiomegaly_implLE_8bit.dcm',
  effusion: 'nih_dx_ap_effusion_implLE_8bit.dcm',
  ptxSmall: 'siim_1.2.276.0.7230010.3.1.4.8323329.4440.1517875182.865105.dcm',
  ptxLarge: 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm',
  barre: 'barre_CR-MONO1-10-chest_nometa.dcm',
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const pngSize = (path: string): [number, number] => {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
};

describe('radraft export-dataset', () => {
  let scratch: { dir: string; cleanup: () => void };
  let headers: Record<keyof typeof FILES, DicomHeader>;
  let out: string;
  let stdout = '';
  let stderr = '';
  let code = -1;

  beforeAll(async () => {
    scratch = tempDir('export-dataset');
    headers = Object.fromEntries(await Promise.all(Object.entries(FILES).map(async ([k, f]) => [k, await readHeader(join(DICOM, f))]))) as typeof headers;
    const db = join(scratch.dir, 'radraft.db');
    const store = ReportStore.open(db);
    const sign = (h: DicomHeader, findings: string, impression: string, indication = '', identity?: { patientName: string; patientId: string; accessionNumber: string }): void => {
      store.rememberStudy({
        studyInstanceUid: h.studyInstanceUid,
        patientName: identity?.patientName ?? h.patientName,
        patientId: identity?.patientId ?? h.patientId,
        studyDate: h.studyDate,
        studyDescription: '',
        accessionNumber: identity?.accessionNumber ?? h.accessionNumber,
        modalities: [h.modality],
        images: [],
      });
      signReport(store, h, { indication, findings, impression });
    };
    // The NIH cardiomegaly film's header names patient "1"; the Barré film has no ID in its header, and Radraft
    // remembered patient "1" for it: the same patient, who must stay in one split.
    const john = { patientName: 'Doe^John', patientId: '1', accessionNumber: 'ACC-4711' };
    sign(headers.cardiomegaly, 'Compared with 2026-11-03 (accession ACC-4711), John Doe\u2019s heart is enlarged.', 'Cardiomegaly.', 'Follow-up for John Doe, seen 12/03/2026', john);
    sign(headers.barre, 'The heart is enlarged. Discussed with Mr. Doe on December 3, 2026.', 'Stable cardiomegaly.', '', john);
    sign(headers.effusion, 'There is a moderate left pleural effusion.', 'Left pleural effusion.');
    sign(headers.ptxSmall, `There is a small left apical pneumothorax (patient ${headers.ptxSmall.patientId}).`, 'Small left apical pneumothorax.');
    sign(headers.ptxLarge, 'Large right pneumothorax.', 'Large right pneumothorax.');
    // Not signed: not exported.
    store.save('1.2.3.4.5', { indication: '', technique: '', comparison: '', findings: 'Draft.', impression: '' }, 0);
    store.close();

    out = join(scratch.dir, 'set');
    code = await runExportDataset(['--out', out, '--images', DICOM, '--db', db, '--validation-fraction', '0.5'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: {},
    });
  });
  afterAll(() => scratch?.cleanup());

  it('writes every signed report with its image, and reads back as an imagefolder dataset', () => {
    expect(stderr).not.toContain('left out');
    expect(code).toBe(0);
    const manifest = TrainingSetManifest.parse(JSON.parse(readFileSync(join(out, 'radraft-dataset.json'), 'utf8')));
    expect(manifest).toMatchObject({ version: 1, imageSize: 224, counts: { patients: 4, skipped: 0 } });
    expect(manifest.counts.train + manifest.counts.validation).toBe(5);
    expect(stdout).toContain(`${manifest.counts.train} train + ${manifest.counts.validation} validation cases from 4 patients`);
    let records = 0;
    for (const split of ['train', 'validation']) {
      const dir = join(out, split);
      const lines = readFileSync(join(dir, 'metadata.jsonl'), 'utf8').trim().split('\n').filter((l) => l !== '');
      const listed = new Set<string>();
      for (const line of lines) {
        const r = TrainingRecord.parse(JSON.parse(line));
        listed.add(r.file_name);
        expect(pngSize(join(dir, r.file_name))).toEqual([224, 224]);
        const [w, h] = pngSize(join(dir, r.full_resolution));
        expect(w * h).toBeGreaterThan(224 * 224);
        expect(r.prefix).toMatch(/^report en/);
        expect(r.suffix).toMatch(/^FINDINGS: .+\nIMPRESSION: .+$/);
      }
      // Every image in the split is described: the imagefolder loader finds no stray file.
      expect(readdirSync(dir).filter((f) => f.endsWith('.png')).sort()).toEqual([...listed].sort());
      records += lines.length;
    }
    expect(records).toBe(5);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('| train |');
  });

  it('keeps each patient in one split', () => {
    const splitOf = (text: string): string[] =>
      ['train', 'validation'].filter((s) => readFileSync(join(out, s, 'metadata.jsonl'), 'utf8').includes(text));
    // Both of patient 1's reports mention cardiomegaly; no other report does.
    expect(splitOf('Cardiomegaly.').concat(splitOf('Stable cardiomegaly.'))).toHaveLength(2);
    expect(new Set(splitOf('ardiomegaly')).size).toBe(1);
    expect(validationPatients(['a', 'b', 'b', 'c', 'd'], 0.5)).toEqual(new Set(['a', 'b']));
    expect(validationPatients(['a'], 0.5).size).toBe(0);
  });

  it('leaves no name, ID, date or UID in any file or file name', () => {
    const files = walk(out);
    const text = files.filter((f) => !f.endsWith('.png')).map((f) => readFileSync(f, 'utf8')).join('\n') + files.map((f) => relative(out, f)).join('\n');
    const leaks = ['John', 'Doe', 'ACC-4711', '2026-11-03', '12/03/2026', 'December 3', headers.ptxSmall.patientId, 'Dr Test'];
    for (const h of Object.values(headers)) leaks.push(h.studyInstanceUid, h.sopInstanceUid);
    for (const leak of leaks) expect(text, leak).not.toContain(leak);
    expect(text).toContain('report en INDICATION: Follow-up for XXXX XXXX, seen XXXX');
    expect(text).toContain('Compared with XXXX (accession XXXX), XXXX XXXX\u2019s heart is enlarged.');
  });

  it('refuses a folder that already holds files, keeps to --since, and explains a missing database', async () => {
    let err = '';
    expect(await runExportDataset(['--out', out, '--images', DICOM, '--db', join(scratch.dir, 'radraft.db')], { stdout: () => undefined, stderr: (t) => (err += t), env: {} })).toBe(2);
    expect(err).toContain('is not empty');
    err = '';
    expect(await runExportDataset(['--out', join(scratch.dir, 'later'), '--images', DICOM, '--db', join(scratch.dir, 'radraft.db'), '--since', '2999-01-01'], { stdout: () => undefined, stderr: (t) => (err += t), env: {} })).toBe(1);
    expect(err).toContain('No report has been signed in this Radraft yet (in the chosen period)');
    err = '';
    expect(await runExportDataset(['--out', join(scratch.dir, 'x'), '--images', DICOM, '--db', join(scratch.dir, 'none.db')], { stdout: () => undefined, stderr: (t) => (err += t), env: {} })).toBe(1);
    expect(err).toContain('there is no report database');
  });
});
