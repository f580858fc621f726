// `radraft export` and `radraft send` from the report database alone: every format, validated; the PACS is a real
// Orthanc. The built bin/radraft.cjs is run once too, as a user would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExport } from '../../main/cli/commands/export';
import { runSend } from '../../main/cli/commands/send';
import { ReportStore } from '../../main/storage/report-store';
import { emptySections } from '../../app/domain/report';
import { dciodvfy, dsrdump, pdftotext } from '../support/validators';
import { startOrthanc, type Orthanc } from '../support/orthanc';
import { SIIM, SIIM_SOP_UID, SIIM_STUDY_UID, summaryOf } from '../main/export/fixtures';

const root = join(__dirname, '..', '..');
let dir: string;
let db: string;
let orthanc: Orthanc;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-export-cli-'));
  db = join(dir, 'radraft.db');
  const store = ReportStore.open(db, () => new Date('2026-11-27T10:05:00.000Z'));
  store.rememberStudy({ ...summaryOf(SIIM, SIIM_STUDY_UID, SIIM_SOP_UID), patientName: 'fef0ab32', patientId: 'fef0ab32' });
  const saved = store.save(SIIM_STUDY_UID, { ...emptySections(), findings: 'Lungs clear | no effusion.', impression: 'Normal chest.' }, 0);
  store.sign(SIIM_STUDY_UID, { signedBy: 'Dr Ada Lovelace', sections: saved.sections, baseRevision: saved.revision, accept: [] });
  store.save('1.2.3.4.5', { ...emptySections(), findings: 'Unsigned draft.' }, 0);
  store.close();
  orthanc = await startOrthanc();
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {} as NodeJS.ProcessEnv } };
}

describe('radraft export', () => {
  it.each([
    ['text', 'r.txt', (f: string) => expect(readFileSync(f, 'utf8')).toContain('Lungs clear | no effusion.')],
    ['pdf', 'r.pdf', (f: string) => expect(pdftotext(f)).toContain('Lungs clear | no effusion.')],
    ['sr', 'r.dcm', (f: string) => (expect(dciodvfy(f).errors).toEqual([]), expect(dsrdump(f)).toContain('Lungs clear | no effusion.'))],
    ['fhir', 'r.json', (f: string) => expect(JSON.parse(readFileSync(f, 'utf8')).resourceType).toBe('Bundle')],
    ['hl7', 'r.hl7', (f: string) => expect(readFileSync(f, 'utf8')).toContain('Lungs clear \\F\\ no effusion.')],
    ['deidentified', 'deid', (f: string) => expect(readdirSync(f)).toContain('IMG0001.dcm')],
  ])('--format %s writes the file and prints its path', async (format, name, check) => {
    const { out, io: cliIo } = io();
    const target = join(dir, name);
    expect(await runExport([SIIM_STUDY_UID, '--format', format, '--out', target, '--db', db], cliIo)).toBe(0);
    expect(out.stdout).toBe(`${target}\n`);
    check(target);
  });

  it('says what is wrong in one line: unknown report, unsigned report, no database, bad format', async () => {
    const cases: [string[], number, RegExp][] = [
      [['9.9.9', '--format', 'sr', '--out', join(dir, 'x.dcm'), '--db', db], 1, /no report is stored for Study Instance UID 9\.9\.9/],
      [['1.2.3.4.5', '--format', 'sr', '--out', join(dir, 'x.dcm'), '--db', db], 1, /Only a signed report can be exported as DICOM SR/],
      [[SIIM_STUDY_UID, '--format', 'sr', '--out', join(dir, 'x.dcm'), '--db', join(dir, 'none.db')], 1, /no report database at .*none\.db/],
      [[SIIM_STUDY_UID, '--format', 'docx', '--out', join(dir, 'x')], 2, /--format must be one of text, pdf, sr, fhir, hl7, deidentified/],
    ];
    for (const [args, code, message] of cases) {
      const { out, io: cliIo } = io();
      expect(await runExport(args, cliIo)).toBe(code);
      expect(out.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'x.dcm'))).toBe(false);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });

  it('runs from the built bin/radraft.cjs', () => {
    if (!existsSync(join(root, 'dist/cli/radraft.cjs'))) return; // `npm test` builds first; a bare vitest run may not
    const target = join(dir, 'bin.dcm');
    const run = spawnSync(process.execPath, [join(root, 'bin/radraft.cjs'), 'export', SIIM_STUDY_UID, '--format', 'sr', '--out', target, '--db', db], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(dciodvfy(target).errors).toEqual([]);
  });
});

describe('radraft send', () => {
  it('stores the signed report as DICOM SR on the PACS node', async () => {
    const { out, io: cliIo } = io();
    expect(await runSend([SIIM_STUDY_UID, '--to', `${orthanc.aeTitle}@127.0.0.1:${orthanc.dicomPort}`, '--db', db], cliIo)).toBe(0);
    expect(out.stdout).toBe(`stored on ${orthanc.aeTitle}@127.0.0.1:${orthanc.dicomPort}\n`);
    const series = await orthanc.get<{ MainDicomTags: { Modality: string } }[]>('/series?expand');
    expect(series.map((s) => s.MainDicomTags.Modality)).toEqual(['SR']);
  });

  it('refuses a node that is not AE@HOST:PORT', async () => {
    const { out, io: cliIo } = io();
    expect(await runSend([SIIM_STUDY_UID, '--to', 'pacs.example.org', '--db', db], cliIo)).toBe(2);
    expect(out.stderr).toMatch(/--to must be AE@HOST:PORT/);
  });
});
