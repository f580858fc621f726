// Signed reports in a real report database, as the app leaves them: optionally an AI draft recorded and put into the
// report, then saved and signed with every AI section accepted.
import { SECTION_NAMES, type ReportSections } from '../../../app/domain/report';
import type { ReportStore } from '../../../main/storage/report-store';

export interface DraftModel {
  name: string;
  manifestSha256: string;
  dtype: string;
}

export function signReport(
  store: ReportStore,
  image: { studyInstanceUid: string; sopInstanceUid: string },
  text: Partial<ReportSections>,
  aiDraftBy: DraftModel | null = null,
): void {
  const sections: ReportSections = { indication: '', technique: '', comparison: '', findings: '', impression: '', ...text };
  let revision = store.get(image.studyInstanceUid)?.revision ?? 0;
  if (aiDraftBy) {
    store.recordProvenance(image.studyInstanceUid, {
      draftId: `draft-${image.sopInstanceUid.slice(-8)}`,
      modelName: aiDraftBy.name,
      manifestSha256: aiDraftBy.manifestSha256,
      dtype: aiDraftBy.dtype,
      prompt: 'report en',
      sopInstanceUid: image.sopInstanceUid,
      window: null,
      generation: { maxTokens: 160, greedy: true },
      startedAt: '2026-12-01T10:00:00.000Z',
      finishedAt: '2026-12-01T10:00:01.000Z',
      aiDraft: { findings: sections.findings, impression: sections.impression },
    });
    revision = store.insertDraft(image.studyInstanceUid, `draft-${image.sopInstanceUid.slice(-8)}`, revision).revision;
  }
  const saved = store.save(image.studyInstanceUid, sections, revision);
  store.sign(image.studyInstanceUid, { signedBy: 'Dr Test', sections: saved.sections, baseRevision: saved.revision, accept: [...SECTION_NAMES] });
}
