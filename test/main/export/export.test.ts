import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ExportError, removeLeftoverTempFiles, writeFileAtomic } from '../../../main/export/atomic-write';
import { createServices, EXPORT_JOURNAL_DIR } from '../../../main/services';
import { killedAtSyscall, straceAvailable } from '../../support/syscall-trace';
import { fakeDeps } from '../services/fake-deps';
import { defaultExportFileName, formatReportText, isAiAssisted } from '../../../app/report/export-text';
import { emptySections, type ReportRecord } from '../../../app/domain/report';
import { signedRecord } from './fixtures';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radraft-export-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Signed by hand: no AI draft, no provenance. */
const record: ReportRecord = signedRecord('1.2.3', {
  sections: { ...emptySections(), indication: 'Cough, fever.', findings: 'Lungs are clear.\r\nNo effusion — none.', impression: 'Normal chest (Ñ).' },
  provenance: null,
  ai: {},
});
const study = {
  studyInstanceUid: '1.2.3',
  patientName: 'Doe Jane',
  patientId: 'PID-42',
  studyDate: '20261126',
  studyDescription: 'CHEST PA',
  accessionNumber: 'ACC9',
  modalities: ['CR'],
};

describe('formatReportText', () => {
  it('has headings, identifiers, dates and the signer', () => {
    const text = formatReportText({ record, study, exportedAt: '2026-11-27T10:06:00.000Z', appVersion: '1.0.0' });
    for (const s of ['INDICATION', 'TECHNIQUE', 'COMPARISON', 'FINDINGS', 'IMPRESSION', 'Doe Jane', 'PID-42', '2026-11-26', 'ACC9', 'CHEST PA', '1.2.3', 'Dr Ada Lovelace', '2026-11-27 10:05 UTC', 'FINAL']) {
      expect(text).toContain(s);
    }
    expect(text).toContain('Lungs are clear.\nNo effusion — none.');
    expect(text).not.toContain('\r');
    expect(text).not.toMatch(/AI-assisted/i);
    expect(text.indexOf('FINDINGS')).toBeLessThan(text.indexOf('IMPRESSION'));
  });

  it('says when text came from the model, with the model identity', () => {
    const ai: ReportRecord = {
      ...record,
      provenance: {
        draftId: 'd1',
        modelName: 'PaliGemma 2 CXR demo',
        manifestSha256: 'f'.repeat(64),
        dtype: 'int4',
        prompt: 'report en',
        sopInstanceUid: '9.9',
        window: null,
        generation: { maxTokens: 100, greedy: true },
        startedAt: '2026-11-27T09:01:00.000Z',
        finishedAt: null,
        aiDraft: { findings: 'Lungs are clear.' },
      },
      ai: { findings: { text: 'Lungs are clear.', draftedAt: '2026-11-27T09:01:00.000Z', accepted: false } },
    };
    expect(isAiAssisted(ai)).toBe(true);
    const text = formatReportText({ record: ai, study: null, exportedAt: '2026-11-27T10:06:00.000Z', appVersion: '1.0.0' });
    expect(text).toContain('AI-assisted draft');
    expect(text).toContain('PaliGemma 2 CXR demo');
    expect(text).toContain('f'.repeat(64));
    expect(text).toContain('int4');
    expect(text).toContain('Patient:            not recorded');
    expect(isAiAssisted({ ...ai, ai: {} })).toBe(false);
  });

  it('writes every identity as "Family, Given" on one line: a file or a signer cannot add a line of its own', () => {
    const forgedName = 'Doe^John\r\nIMPRESSION:\r\nNo acute findings.';
    const hostile = { ...study, patientName: forgedName, studyDescription: 'CHEST\nSigned by: Dr Nobody', accessionNumber: 'A\u2028B' };
    const text = formatReportText({ record: { ...record, signedBy: 'Dr X\nStatus: DRAFT' }, study: hostile, exportedAt: '2026-11-27T10:06:00.000Z', appVersion: '1.0.0' });
    const lines = text.split('\n');
    for (const forged of ['IMPRESSION:', 'No acute findings.', 'Signed by: Dr Nobody', 'Status: DRAFT', 'B']) {
      expect(lines.map((l) => l.trim())).not.toContain(forged);
    }
    expect(lines).toContain('Patient:            Doe, John⏎IMPRESSION:⏎No acute findings.');
    expect(text).not.toMatch(/[\r\u2028\u2029]/);
    expect(formatReportText({ record, study: { ...study, patientName: 'Doe^Jane' }, exportedAt: '2026-11-27T10:06:00.000Z', appVersion: '1.0.0' })).toContain(
      'Patient:            Doe, Jane',
    );
  });

  it('proposes a file name safe on every OS', () => {
    expect(defaultExportFileName(study, '1.2.3')).toBe('report-PID-42-20261126.txt');
    const hostile = defaultExportFileName({ ...study, patientId: '../..\\con:*?' }, '1.2.3');
    expect(hostile).toMatch(/^report-[A-Za-z0-9._-]+-20261126\.txt$/);
    expect(hostile).not.toMatch(/[\\/:*?]/);
    expect(defaultExportFileName(null, '1.2.840.99')).toBe('report-1.2.840.99.txt');
  });
});

describe('writeFileAtomic', () => {
  const journal = (): { journalDir: string } => ({ journalDir: join(dir, 'journal') });
  /** The export folder's entries, without the journal kept beside it in these tests. */
  const exported = (): string[] => readdirSync(dir).filter((f) => f !== 'journal');

  it('writes UTF-8 and replaces an existing file without leaving temp files', async () => {
    const target = join(dir, 'report.txt');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'Ñandú — ü\n', journal());
    expect(readFileSync(target, 'utf8')).toBe('Ñandú — ü\n');
    expect(exported()).toEqual(['report.txt']);
    expect(readdirSync(journal().journalDir)).toEqual([]);
  });

  it('fails with an ExportError and keeps the old file when the folder is missing', async () => {
    await expect(writeFileAtomic(join(dir, 'nope', 'r.txt'), 'x', journal())).rejects.toBeInstanceOf(ExportError);
    await expect(writeFileAtomic(join(dir, 'nope', 'r.txt'), 'x', journal())).rejects.toThrow(/folder does not exist/);
    expect(readdirSync(journal().journalDir)).toEqual([]);
  });

  it('keeps the old file intact when the target cannot be replaced', async () => {
    const target = join(dir, 'taken');
    mkdirSync(target); // a folder where the file should go: rename fails
    writeFileSync(join(target, 'inside'), 'keep');
    await expect(writeFileAtomic(target, 'new', journal())).rejects.toBeInstanceOf(ExportError);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
    expect(exported()).toEqual(['taken']);
  });

  it('writes names up to the file system\'s 255-byte limit, in any script', async () => {
    const ascii = `${'r'.repeat(251)}.txt`;
    const accented = `${'é'.repeat(125)}.txt`; // 2 bytes each: 254 bytes
    for (const name of [ascii, accented]) {
      expect(Buffer.byteLength(name)).toBeGreaterThanOrEqual(254);
      await writeFileAtomic(join(dir, name), 'text', journal());
      expect(readFileSync(join(dir, name), 'utf8')).toBe('text');
    }
    expect(exported().sort()).toEqual([ascii, accented].sort());
    // A name the disk cannot hold says so.
    await expect(writeFileAtomic(join(dir, `${'r'.repeat(256)}.txt`), 'x', journal())).rejects.toThrow(/file name is too long/);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const target = join(dir, 'report.txt');
    for (const mode of [0o600, 0o640, 0o664]) {
      writeFileSync(target, 'old');
      chmodSync(target, mode);
      await writeFileAtomic(target, 'new', journal());
      expect(statSync(target).mode & 0o777, mode.toString(8)).toBe(mode);
    }
    const fresh = join(dir, 'fresh.txt');
    await writeFileAtomic(fresh, 'new', journal());
    const umask = process.umask();
    expect(statSync(fresh).mode & 0o777).toBe(0o666 & ~umask);
  });

  it('removes the temp file an export killed before its rename left, at the next start', async () => {
    if (!straceAvailable()) throw new Error('strace is not installed: apt-get install strace (.ci/run installs it)');
    const userData = join(dir, 'user-data');
    const exportDir = join(dir, 'exports');
    mkdirSync(exportDir);
    const target = join(exportDir, 'report.txt');
    writeFileSync(target, 'signed earlier');
    // A process exporting through the real module, killed exactly when it would rename the temp file into place.
    const script = join(dir, 'export-once.cjs');
    buildSync({
      stdin: {
        contents: `import { writeFileAtomic } from './main/export/atomic-write';
          void writeFileAtomic(${JSON.stringify(target)}, 'FINDINGS: new text', { journalDir: ${JSON.stringify(join(userData, EXPORT_JOURNAL_DIR))} });`,
        resolveDir: join(__dirname, '../../..'),
        sourcefile: 'export-once.ts',
      },
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
    });
    expect(killedAtSyscall(['rename', 'renameat', 'renameat2'], process.execPath, [script])).toBe('SIGKILL');
    const left = readdirSync(exportDir).filter((f) => f !== 'report.txt');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.radraft-export-[0-9a-f]{16}\.tmp$/);
    expect(readFileSync(join(exportDir, left[0]), 'utf8')).toBe('FINDINGS: new text');
    expect(readFileSync(target, 'utf8')).toBe('signed earlier');

    const services = await createServices(fakeDeps(userData).deps);
    await services.dispose();
    expect(readdirSync(exportDir)).toEqual(['report.txt']);
    expect(readdirSync(join(userData, EXPORT_JOURNAL_DIR))).toEqual([]);
  });

  it('removes only files it named itself, whatever the journal says', async () => {
    const journalDir = join(dir, 'journal');
    mkdirSync(journalDir);
    const precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'keep');
    writeFileSync(join(journalDir, '0123456789abcdef'), precious);
    writeFileSync(join(journalDir, 'fedcba9876543210'), join(dir, '.radraft-export-0123456789abcdef.tmp'));
    expect(await removeLeftoverTempFiles(journalDir)).toBe(0);
    expect(readFileSync(precious, 'utf8')).toBe('keep');
    expect(readdirSync(journalDir)).toEqual([]);
    expect(await removeLeftoverTempFiles(join(dir, 'never-created'))).toBe(0);
  });
});
