// The record of a model's validation, kept beside the model (main/eval/validation-store.ts) and shown on its card and
// in exports. Versioned: older versions are migrated on read, newer ones are refused with a clear message.
import { z } from 'zod';

export const VALIDATION_RECORD_VERSION = 1;

export const ValidationMetrics = z.object({
  chexpertMicroF1: z.number().nullable(),
  chexpertMacroF1: z.number().nullable(),
  rougeL: z.number(),
  bleu4: z.number(),
  ciderD: z.number(),
});

export const ValidationRecord = z.object({
  version: z.literal(VALIDATION_RECORD_VERSION),
  modelName: z.string(),
  /** The model this was measured on: a record whose sha256 differs from the model's manifest no longer counts. */
  manifestSha256: z.string(),
  dtype: z.string(),
  /** ISO timestamp. */
  validatedAt: z.string(),
  source: z.enum(['folder', 'signed']),
  datasetName: z.string(),
  datasetFingerprint: z.string(),
  caseCount: z.number().int().nonnegative(),
  metrics: ValidationMetrics,
  /** The HTML report, a file name in the record's folder. */
  reportFile: z.string(),
  radraftVersion: z.string(),
});
export type ValidationRecord = z.infer<typeof ValidationRecord>;

export class ValidationRecordError extends Error {
  override name = 'ValidationRecordError';
}

/** Reads any version this Radraft knows and returns the current one. */
export function parseValidationRecord(json: unknown): ValidationRecord {
  const version = typeof json === 'object' && json !== null && 'version' in json ? (json as { version: unknown }).version : undefined;
  if (typeof version !== 'number') throw new ValidationRecordError('The validation record has no version: it was not written by Radraft.');
  if (version > VALIDATION_RECORD_VERSION) {
    throw new ValidationRecordError(`The validation record was written by a newer Radraft (record version ${version}); update Radraft to read it.`);
  }
  // Version 1 is the first: migrations of later versions go here, oldest first.
  const parsed = ValidationRecord.safeParse(json);
  if (!parsed.success) throw new ValidationRecordError(`The validation record is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

/** What a clinician reads next to a model that has no validation record for its current files. */
export const NOT_VALIDATED_NOTE = 'not validated here';

const two = (v: number | null): string => (v === null ? '–' : v.toFixed(2));

/** "validated on 120 local studies on 2026-12-03: CheXpert micro-F1 0.52, ROUGE-L 0.31, BLEU-4 0.12, CIDEr-D 0.40" */
export function validationSummaryLine(record: Pick<ValidationRecord, 'caseCount' | 'validatedAt' | 'source' | 'metrics'>): string {
  const what = record.source === 'signed' ? 'signed local reports' : 'local studies';
  const m = record.metrics;
  return `validated on ${record.caseCount} ${what} on ${record.validatedAt.slice(0, 10)}: CheXpert micro-F1 ${two(m.chexpertMicroF1)}, ROUGE-L ${two(m.rougeL)}, BLEU-4 ${two(m.bleu4)}, CIDEr-D ${two(m.ciderD)}`;
}
