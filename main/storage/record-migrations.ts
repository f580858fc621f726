// Stored report records of older versions, read and turned into the current version. Version 1 kept one `reviewed`
// flag for all AI text (set by any edit anywhere, by Accept, and by signing); version 2 records per section what the
// clinician did. Pure: the database migration (database.ts, migration 4) and the row reader both use it.
import { z } from 'zod';
import { DraftProvenance, REPORT_RECORD_VERSION, ReportRecord, type SectionsAi } from '../../app/domain/report';
import { DRAFTED_SECTIONS } from '../../app/report/review';

const ProvenanceV1 = DraftProvenance.omit({ draftId: true }).extend({ reviewed: z.boolean() });

export const ReportRecordV1 = ReportRecord.omit({ ai: true, undo: true, addenda: true }).extend({
  version: z.literal(1),
  provenance: ProvenanceV1.nullable(),
});
export type ReportRecordV1 = z.infer<typeof ReportRecordV1>;

/**
 * Version 1 → 2. What version 1 knew is kept and nothing is claimed that it did not record:
 * - a section holding the model's text unchanged is AI text; it counts as accepted only when the report is unsigned,
 *   `reviewed` was set and every AI section is unchanged (version 1's Accept; an edit elsewhere also set the flag, and
 *   signing always did, so neither proves a review of this section);
 * - a section whose text differs from what the model wrote is AI text edited by the clinician. Version 1 did not
 *   record whether its Technique or Comparison came from the model, so those are marked AI-edited too: the record
 *   may over-state the model's part, never the clinician's;
 * - Indication was never written by the model.
 */
export function migrateRecordV1(v1: ReportRecordV1): ReportRecord {
  const p = v1.provenance;
  const ai: SectionsAi = {};
  if (p) {
    const drafted = DRAFTED_SECTIONS.filter((k) => (p.aiDraft[k] ?? '').trim() !== '' && v1.sections[k].trim() !== '');
    const untouched = drafted.every((k) => v1.sections[k] === p.aiDraft[k]);
    const accepted = v1.status === 'draft' && p.reviewed && untouched;
    for (const k of drafted) ai[k] = { text: p.aiDraft[k] ?? '', draftedAt: p.startedAt, accepted };
  }
  const provenance = p ? DraftProvenance.parse({ ...p, draftId: '' }) : null;
  return { ...v1, version: REPORT_RECORD_VERSION, provenance, ai, undo: null, addenda: [] };
}

/** A stored record of any known version, as the current version; throws a ZodError when it is none of them. */
export function upgradeRecord(value: unknown): ReportRecord {
  const version = (value as { version?: unknown } | null)?.version;
  if (version === 1) return migrateRecordV1(ReportRecordV1.parse(value));
  return ReportRecord.parse(value);
}
