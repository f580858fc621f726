import { describe, expect, it } from 'vitest';
import { emptySections, type ReportRecord } from '../../../app/domain/report';
import { isUnreported, reportProgress } from '../../../app/report/review';

function record(over: Partial<ReportRecord>): ReportRecord {
  return {
    version: 2,
    studyInstanceUid: '1.2',
    sections: emptySections(),
    status: 'draft',
    signedBy: null,
    signedAt: null,
    createdAt: 'x',
    updatedAt: 'x',
    revision: 1,
    provenance: null,
    ai: {},
    undo: null,
    addenda: [],
    ...over,
  };
}

describe('a study’s report status, from the one review rule', () => {
  it('derives none, AI draft, edited, final and addendum', () => {
    expect(reportProgress(null)).toBe('none');
    expect(reportProgress(record({ sections: { ...emptySections(), technique: 'PA chest radiograph' } }))).toBe('none');
    const ai = { findings: { text: 'Clear lungs.', draftedAt: 'x', accepted: false } };
    expect(reportProgress(record({ sections: { ...emptySections(), findings: 'Clear lungs.' }, ai }))).toBe('ai-draft');
    expect(reportProgress(record({ sections: { ...emptySections(), findings: 'Clear lungs, edited.' }, ai }))).toBe('edited');
    expect(reportProgress(record({ sections: { ...emptySections(), impression: 'Normal.' } }))).toBe('edited');
    expect(reportProgress(record({ status: 'final', sections: { ...emptySections(), impression: 'Normal.' } }))).toBe('final');
    const addendum = { text: 'Also…', status: 'draft' as const, createdAt: 'x', updatedAt: 'x', signedBy: null, signedAt: null };
    expect(reportProgress(record({ status: 'final', addenda: [addendum] }))).toBe('addendum');
    expect(['none', 'ai-draft', 'edited'].every((p) => isUnreported(p as never))).toBe(true);
    expect(isUnreported('final') || isUnreported('addendum')).toBe(false);
  });
});
