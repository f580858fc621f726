import { z } from 'zod';

export const SECTION_NAMES = ['indication', 'technique', 'comparison', 'findings', 'impression'] as const;
export const SectionName = z.enum(SECTION_NAMES);
export type SectionName = z.infer<typeof SectionName>;

/** What a clinician reads for each section. */
export const SECTION_LABELS: Record<SectionName, string> = {
  indication: 'Indication',
  technique: 'Technique',
  comparison: 'Comparison',
  findings: 'Findings',
  impression: 'Impression',
};

/**
 * The most text one section (or one addendum) may hold. A chest radiograph report runs to a few hundred words; this
 * leaves ample room while keeping every save (and every stored revision) small and fast.
 */
export const SECTION_MAX_CHARS = 20_000;

/** The message shown when a section is over the limit: what, how much, and what to do. */
export function sectionTooLongMessage(label: string, length: number): string {
  return `${label} is too long: ${length.toLocaleString('en-US')} characters, the limit is ${SECTION_MAX_CHARS.toLocaleString('en-US')}. Shorten it; the text stays on screen but is not saved until it fits.`;
}

/** Stored section text: not bounded, so a report saved before the limit existed can still be read. */
export const ReportSections = z.object({
  indication: z.string(),
  technique: z.string(),
  comparison: z.string(),
  findings: z.string(),
  impression: z.string(),
});
export type ReportSections = z.infer<typeof ReportSections>;

const boundedSection = (name: SectionName) =>
  z.string().superRefine((text, ctx) => {
    if (text.length > SECTION_MAX_CHARS) ctx.addIssue({ code: 'custom', message: sectionTooLongMessage(SECTION_LABELS[name], text.length) });
  });

/** Section text as a request may carry it: each section at most SECTION_MAX_CHARS. */
export const ReportSectionsInput = z.object({
  indication: boundedSection('indication'),
  technique: boundedSection('technique'),
  comparison: boundedSection('comparison'),
  findings: boundedSection('findings'),
  impression: boundedSection('impression'),
});

/** Addendum text as a request may carry it. */
export const AddendumTextInput = z.string().superRefine((text, ctx) => {
  if (text.length > SECTION_MAX_CHARS) ctx.addIssue({ code: 'custom', message: sectionTooLongMessage('The addendum', text.length) });
});

export const ReportStatus = z.enum(['draft', 'final']);
export type ReportStatus = z.infer<typeof ReportStatus>;

/** What the model was, what it saw and what it said: kept with the report for audit. */
export const DraftProvenance = z.object({
  /** The draft run this came from; '' for drafts recorded before report record version 2. */
  draftId: z.string().default(''),
  modelName: z.string(),
  manifestSha256: z.string(),
  dtype: z.string(),
  prompt: z.string(),
  sopInstanceUid: z.string(),
  window: z.object({ center: z.number(), width: z.number() }).nullable(),
  generation: z.object({ maxTokens: z.number().int(), greedy: z.boolean() }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** What the model wrote, per section (never Indication), whether or not it went into the report. */
  aiDraft: ReportSections.partial(),
});
export type DraftProvenance = z.infer<typeof DraftProvenance>;

/** A section that holds text the model wrote: the text as it was put in, and whether the clinician accepted it. */
export const SectionAi = z.object({
  /** The model's text as it was inserted into the section. */
  text: z.string(),
  /** When the draft that wrote it started (ties it to the provenance and the draft history). */
  draftedAt: z.string(),
  /** The clinician accepted this exact text unchanged (Accept, or the sign dialog). */
  accepted: z.boolean(),
});
export type SectionAi = z.infer<typeof SectionAi>;

/** Per section, the AI text it holds; a section without an entry was written by the clinician. */
export const SectionsAi = z.object({
  indication: SectionAi.optional(),
  technique: SectionAi.optional(),
  comparison: SectionAi.optional(),
  findings: SectionAi.optional(),
  impression: SectionAi.optional(),
});
export type SectionsAi = z.infer<typeof SectionsAi>;

/** What the last inserted draft replaced, so one action can take the draft out again. */
export const DraftUndo = z.object({
  /** The text the filled sections held before the draft. */
  sections: ReportSections.partial(),
  /** Their AI entries before the draft (an earlier draft's text). */
  ai: SectionsAi,
});
export type DraftUndo = z.infer<typeof DraftUndo>;

/** Text added to a signed report, signed on its own, as reporting systems do: the signed report is never edited. */
export const Addendum = z.object({
  text: z.string(),
  status: ReportStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
});
export type Addendum = z.infer<typeof Addendum>;

/** Version 2: per-section AI review (`ai`), draft undo and addenda; version 1 had one `reviewed` flag. */
export const REPORT_RECORD_VERSION = 2;

export const ReportRecord = z.object({
  version: z.literal(REPORT_RECORD_VERSION),
  studyInstanceUid: z.string(),
  sections: ReportSections,
  status: ReportStatus,
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  revision: z.number().int(),
  /** The latest AI draft made for this report (earlier ones are in the draft history). */
  provenance: DraftProvenance.nullable(),
  ai: SectionsAi,
  undo: DraftUndo.nullable(),
  addenda: z.array(Addendum),
});
export type ReportRecord = z.infer<typeof ReportRecord>;

export function emptySections(): ReportSections {
  return { indication: '', technique: '', comparison: '', findings: '', impression: '' };
}

/** A report with neither Findings nor Impression says nothing and cannot be signed. */
export function isEmptyReport(sections: ReportSections): boolean {
  return sections.findings.trim() === '' && sections.impression.trim() === '';
}

/** Same text in every section. */
export function sameSections(a: ReportSections, b: ReportSections): boolean {
  return SECTION_NAMES.every((k) => a[k] === b[k]);
}
