// The one home of the rule "which report text came from the model, and what the clinician did with it". The store
// (main/storage/report-store.ts) applies it when it saves, inserts a draft, accepts and signs; the editor, the AI
// banner, the sign dialog and the export read it. Pure: no I/O, no clock.
import { isEmptyReport, SECTION_LABELS, SECTION_NAMES, type ReportRecord, type ReportSections, type SectionAi, type SectionName, type SectionsAi } from '../domain/report';

/**
 * What happened to one section's text:
 * - `empty`: nothing written;
 * - `clinician`: written by the clinician;
 * - `ai-unreviewed`: the model's text, exactly as inserted, not accepted yet;
 * - `ai-accepted`: the model's text, accepted unchanged by the clinician;
 * - `ai-edited`: the model's text, since edited by the clinician.
 */
export type SectionOrigin = 'empty' | 'clinician' | 'ai-unreviewed' | 'ai-accepted' | 'ai-edited';

/** Sections a report draft may fill: the model never writes the clinician's Indication. */
export const DRAFTED_SECTIONS = ['findings', 'impression', 'technique', 'comparison'] as const satisfies readonly SectionName[];
/** Sections a draft always replaces (with '' when the model wrote nothing for them). */
export const REPLACED_SECTIONS = ['findings', 'impression'] as const satisfies readonly SectionName[];

export function sectionOrigin(text: string, ai: SectionAi | undefined): SectionOrigin {
  if (text.trim() === '') return 'empty';
  if (!ai) return 'clinician';
  if (text !== ai.text) return 'ai-edited';
  return ai.accepted ? 'ai-accepted' : 'ai-unreviewed';
}

export function sectionOrigins(sections: ReportSections, ai: SectionsAi): Record<SectionName, SectionOrigin> {
  return Object.fromEntries(SECTION_NAMES.map((k) => [k, sectionOrigin(sections[k], ai[k])])) as Record<SectionName, SectionOrigin>;
}

/** Sections holding the model's text that no clinician has accepted or edited: signing must not pass them silently. */
export function unreviewedAiSections(sections: ReportSections, ai: SectionsAi): SectionName[] {
  return SECTION_NAMES.filter((k) => sectionOrigin(sections[k], ai[k]) === 'ai-unreviewed');
}

/** True when any section holds text that came from the model (edited or not). */
export function hasAiText(sections: ReportSections, ai: SectionsAi): boolean {
  return SECTION_NAMES.some((k) => {
    const origin = sectionOrigin(sections[k], ai[k]);
    return origin !== 'empty' && origin !== 'clinician';
  });
}

/**
 * The text a report draft puts into the report, given the sections before it and what the model wrote: Findings
 * and Impression always (the clinician was asked first if they held their text), Technique and Comparison only
 * when the model wrote them and the clinician left them empty, Indication never.
 */
export function draftInsertion(before: ReportSections, model: Partial<ReportSections>): Partial<ReportSections> {
  const patch: Partial<ReportSections> = {};
  for (const k of REPLACED_SECTIONS) patch[k] = (model[k] ?? '').trim();
  for (const k of ['technique', 'comparison'] as const) {
    const text = (model[k] ?? '').trim();
    if (text !== '' && before[k].trim() === '') patch[k] = text;
  }
  return patch;
}

/** The AI entries after a draft was inserted: each filled section now holds the model's text, not accepted yet. */
export function aiAfterInsertion(ai: SectionsAi, patch: Partial<ReportSections>, draftedAt: string): SectionsAi {
  const next: SectionsAi = { ...ai };
  for (const k of SECTION_NAMES) {
    const text = patch[k];
    if (text === undefined) continue;
    if (text.trim() === '') delete next[k];
    else next[k] = { text, draftedAt, accepted: false };
  }
  return next;
}

/**
 * The AI entries after the clinician accepted `accept` as they stand. Only a section still holding the model's
 * exact text can be accepted: edited text is the clinician's already.
 */
export function aiAfterAcceptance(sections: ReportSections, ai: SectionsAi, accept: readonly SectionName[]): SectionsAi {
  const next: SectionsAi = { ...ai };
  for (const k of accept) {
    const entry = next[k];
    if (entry && !entry.accepted && sections[k] === entry.text) next[k] = { ...entry, accepted: true };
  }
  return next;
}

/** A section the clinician emptied no longer holds AI text: whatever they write there next is theirs. */
export function aiAfterSave(sections: ReportSections, ai: SectionsAi): SectionsAi {
  const next: SectionsAi = { ...ai };
  for (const k of SECTION_NAMES) if (sections[k].trim() === '') delete next[k];
  return next;
}

/** True when a new draft would replace text the clinician wrote or edited (so they are asked first). */
export function draftWouldReplaceClinicianText(sections: ReportSections, ai: SectionsAi): boolean {
  return REPLACED_SECTIONS.some((k) => {
    const origin = sectionOrigin(sections[k], ai[k]);
    return origin === 'clinician' || origin === 'ai-edited';
  });
}

/** How the report and its export state a section's origin, in a clinician's words ('' for an empty section). */
export function describeOrigin(origin: SectionOrigin, signed: boolean): string {
  switch (origin) {
    case 'empty':
      return '';
    case 'clinician':
      return 'written by the clinician';
    case 'ai-edited':
      return 'AI-drafted, edited by the clinician';
    case 'ai-accepted':
      return 'AI-drafted, accepted unchanged by the clinician';
    case 'ai-unreviewed':
      // A signed report with unreviewed AI text can only be one signed before Radraft recorded reviews per section.
      return signed ? 'AI-drafted, signed unchanged; no review of this section was recorded' : 'AI-drafted, NOT reviewed by a clinician';
  }
}

/** "Findings and Impression": section names for a sentence. */
export function sectionList(names: readonly SectionName[]): string {
  const labels = names.map((k) => SECTION_LABELS[k]);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/**
 * Where a study's report stands, as the study list shows it: no report (nothing in Findings or Impression), an AI
 * draft (text from the model nobody has reviewed), edited (the clinician's text, or AI text reviewed), final
 * (signed), or addendum (signed, with an addendum after it).
 */
export const REPORT_PROGRESS = ['none', 'ai-draft', 'edited', 'final', 'addendum'] as const;
export type ReportProgress = (typeof REPORT_PROGRESS)[number];

export const REPORT_PROGRESS_LABELS: Record<ReportProgress, string> = {
  none: 'No report',
  'ai-draft': 'AI draft',
  edited: 'Edited',
  final: 'Final',
  addendum: 'Addendum',
};

export function reportProgress(record: Pick<ReportRecord, 'sections' | 'ai' | 'status' | 'addenda'> | null): ReportProgress {
  if (!record) return 'none';
  if (record.status === 'final') return record.addenda.length > 0 ? 'addendum' : 'final';
  if (unreviewedAiSections(record.sections, record.ai).length > 0) return 'ai-draft';
  return isEmptyReport(record.sections) ? 'none' : 'edited';
}

/** A study still to be reported: nothing signed yet. */
export function isUnreported(progress: ReportProgress): boolean {
  return progress !== 'final' && progress !== 'addendum';
}

/**
 * Technique may be written from the images when no clinician has written anything yet: no report, or one that holds
 * only a background AI draft nobody has touched (pre-drafting stores that before the study is ever opened).
 */
export function mayPrefillTechnique(record: Pick<ReportRecord, 'sections' | 'ai' | 'status'> | null): boolean {
  if (!record) return true;
  if (record.status !== 'draft' || record.sections.technique.trim() !== '') return false;
  return SECTION_NAMES.every((k) => {
    const origin = sectionOrigin(record.sections[k], record.ai[k]);
    return origin === 'empty' || origin === 'ai-unreviewed';
  });
}
