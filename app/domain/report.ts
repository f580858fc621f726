import { z } from 'zod';

export const SECTION_NAMES = ['indication', 'technique', 'comparison', 'findings', 'impression'] as const;
export const SectionName = z.enum(SECTION_NAMES);
export type SectionName = z.infer<typeof SectionName>;

export const ReportSections = z.object({
  indication: z.string(),
  technique: z.string(),
  comparison: z.string(),
  findings: z.string(),
  impression: z.string(),
});
export type ReportSections = z.infer<typeof ReportSections>;

export const ReportStatus = z.enum(['draft', 'final']);
export type ReportStatus = z.infer<typeof ReportStatus>;

/** What the model was, what it saw and what it said: kept with the report for audit. */
export const DraftProvenance = z.object({
  modelName: z.string(),
  manifestSha256: z.string(),
  dtype: z.string(),
  prompt: z.string(),
  sopInstanceUid: z.string(),
  window: z.object({ center: z.number(), width: z.number() }).nullable(),
  generation: z.object({ maxTokens: z.number().int(), greedy: z.boolean() }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  aiDraft: ReportSections.partial(),
  /** Whether the clinician has accepted or edited each AI-written section. */
  reviewed: z.boolean(),
});
export type DraftProvenance = z.infer<typeof DraftProvenance>;

export const REPORT_RECORD_VERSION = 1;

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
  provenance: DraftProvenance.nullable(),
});
export type ReportRecord = z.infer<typeof ReportRecord>;

export function emptySections(): ReportSections {
  return { indication: '', technique: '', comparison: '', findings: '', impression: '' };
}
