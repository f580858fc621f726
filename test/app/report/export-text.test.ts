import { describe, expect, it } from 'vitest';
import { emptySections, type ReportRecord } from '../../../app/domain/report';
import { formatReportText } from '../../../app/report/export-text';

const at = '2026-11-27T09:01:00.000Z';
const base: ReportRecord = {
  version: 2,
  studyInstanceUid: '1.2.3',
  sections: { ...emptySections(), indication: 'Cough.', technique: 'PA erect.', findings: 'Lungs are clear. Small effusion.', impression: 'Normal chest.' },
  status: 'draft',
  signedBy: null,
  signedAt: null,
  createdAt: at,
  updatedAt: at,
  revision: 4,
  provenance: {
    draftId: 'd1',
    modelName: 'Tiny demo (NOT FOR CLINICAL USE)',
    manifestSha256: 'f'.repeat(64),
    dtype: 'fp32',
    prompt: 'report en',
    sopInstanceUid: '9.9',
    window: null,
    generation: { maxTokens: 100, greedy: true },
    startedAt: at,
    finishedAt: at,
    aiDraft: { findings: 'Lungs are clear.', impression: 'Normal chest.', comparison: 'None.' },
  },
  ai: {
    findings: { text: 'Lungs are clear.', draftedAt: at, accepted: false },
    impression: { text: 'Normal chest.', draftedAt: at, accepted: true },
    comparison: { text: 'None.', draftedAt: at, accepted: false },
  },
  undo: null,
  addenda: [],
};
const text = (record: ReportRecord) => formatReportText({ record, study: null, exportedAt: '2026-11-28T08:00:00.000Z', appVersion: '1.0.0' });

describe('the exported report says, per section, what happened to its text', () => {
  it('names the origin of each section of an AI-assisted report', () => {
    const out = text({ ...base, sections: { ...base.sections, comparison: 'None.' } });
    expect(out).toContain('INDICATION (written by the clinician)');
    expect(out).toContain('TECHNIQUE (written by the clinician)');
    expect(out).toContain('FINDINGS (AI-drafted, edited by the clinician)');
    expect(out).toContain('IMPRESSION (AI-drafted, accepted unchanged by the clinician)');
    expect(out).toContain('COMPARISON (AI-drafted, NOT reviewed by a clinician)');
    const lines = out.split('\n');
    const heading = lines.indexOf('FINDINGS (AI-drafted, edited by the clinician)');
    expect(lines[heading + 1]).toBe('-'.repeat(lines[heading].length));
    expect(out).toContain('Tiny demo (NOT FOR CLINICAL USE)');
    expect(out).not.toMatch(/reviewed, edited as needed/);
  });

  it('says a report without AI text was written by the clinician, even when a draft was made and discarded', () => {
    const out = text({ ...base, ai: {} });
    expect(out).toContain('All sections were written by the clinician; this report holds no AI-drafted text.');
    expect(out).not.toMatch(/AI-assisted/i);
    expect(out).toMatch(/^FINDINGS$/m);
  });

  it('prints signed addenda after the original, each with its own signer and time; an unsigned one is left out', () => {
    const signed: ReportRecord = {
      ...base,
      ai: {},
      status: 'final',
      signedBy: 'Dr Ada',
      signedAt: '2026-11-27T10:00:00.000Z',
      addenda: [
        { text: 'Compared with the prior film: unchanged.', status: 'final', createdAt: at, updatedAt: at, signedBy: 'Dr Grace', signedAt: '2026-11-28T07:30:00.000Z' },
        { text: 'Still being written.', status: 'draft', createdAt: at, updatedAt: at, signedBy: null, signedAt: null },
      ],
    };
    const out = text(signed);
    expect(out).toContain('Addenda:            1 signed, printed after the report');
    const addendum = out.indexOf('ADDENDUM 1');
    expect(addendum).toBeGreaterThan(out.indexOf('Normal chest.'));
    expect(out.slice(addendum)).toMatch(/^ADDENDUM 1\n-{10}\nSigned by:\s+Dr Grace\nSigned at:\s+2026-11-28 07:30 UTC\nCompared with the prior film: unchanged\.$/m);
    expect(out).toContain('Signed at:          2026-11-27 10:00 UTC');
    expect(out).not.toContain('Still being written.');
    expect(out).not.toContain('ADDENDUM 2');
  });
});
