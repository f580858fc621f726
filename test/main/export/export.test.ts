import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportError, writeFileAtomic } from '../../../main/export/atomic-write';
import { defaultExportFileName, formatReportText, isAiAssisted } from '../../../app/report/export-text';
import { emptySections, type ReportRecord } from '../../../app/domain/report';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radraft-export-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record: ReportRecord = {
  version: 2,
  studyInstanceUid: '1.2.3',
  sections: { ...emptySections(), indication: 'Cough, fever.', findings: 'Lungs are clear.\r\nNo effusion — none.', impression: 'Normal chest (Ñ).' },
  status: 'final',
  signedBy: 'Dr Ada Lovelace',
  signedAt: '2026-11-27T10:05:00.000Z',
  createdAt: '2026-11-27T09:00:00.000Z',
  updatedAt: '2026-11-27T10:05:00.000Z',
  revision: 7,
  provenance: null,
  ai: {},
  undo: null,
  addenda: [],
};
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

  it('proposes a file name safe on every OS', () => {
    expect(defaultExportFileName(study, '1.2.3')).toBe('report-PID-42-20261126.txt');
    const hostile = defaultExportFileName({ ...study, patientId: '../..\\con:*?' }, '1.2.3');
    expect(hostile).toMatch(/^report-[A-Za-z0-9._-]+-20261126\.txt$/);
    expect(hostile).not.toMatch(/[\\/:*?]/);
    expect(defaultExportFileName(null, '1.2.840.99')).toBe('report-1.2.840.99.txt');
  });
});

describe('writeFileAtomic', () => {
  it('writes UTF-8 and replaces an existing file without leaving temp files', async () => {
    const target = join(dir, 'report.txt');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'Ñandú — ü\n');
    expect(readFileSync(target, 'utf8')).toBe('Ñandú — ü\n');
    expect(readdirSync(dir)).toEqual(['report.txt']);
  });

  it('fails with an ExportError and keeps the old file when the folder is missing', async () => {
    await expect(writeFileAtomic(join(dir, 'nope', 'r.txt'), 'x')).rejects.toBeInstanceOf(ExportError);
    await expect(writeFileAtomic(join(dir, 'nope', 'r.txt'), 'x')).rejects.toThrow(/folder does not exist/);
  });

  it('keeps the old file intact when the target cannot be replaced', async () => {
    const target = join(dir, 'taken');
    mkdirSync(target); // a folder where the file should go: rename fails
    writeFileSync(join(target, 'inside'), 'keep');
    await expect(writeFileAtomic(target, 'new')).rejects.toBeInstanceOf(ExportError);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
