// The fine-tuning set Radraft writes from signed reports (radraft export-dataset): what each record holds and how
// patients are split. Pure: main/training writes the files.
import { z } from 'zod';

export const TRAINING_SET_VERSION = 1;
export const TRAINING_SET_MANIFEST = 'radraft-dataset.json';
export const SPLITS = ['train', 'validation'] as const;
export type Split = (typeof SPLITS)[number];

/** One line of SPLIT/metadata.jsonl (Hugging Face "imagefolder": file_name is relative to the metadata file). */
export const TrainingRecord = z.object({
  /** The model-size image (what Radraft's preprocessing feeds the model), in the split's folder. */
  file_name: z.string(),
  /** The prompt: the report template with the indication where one was written. */
  prefix: z.string(),
  /** What the model should write: FINDINGS: … IMPRESSION: … as signed, scrubbed. */
  suffix: z.string(),
  /** The full-resolution model view, relative to the split's folder. */
  full_resolution: z.string(),
});
export type TrainingRecord = z.infer<typeof TrainingRecord>;

export const TrainingSetManifest = z.object({
  version: z.literal(TRAINING_SET_VERSION),
  createdAt: z.string(),
  radraftVersion: z.string(),
  imageSize: z.number().int(),
  promptTemplates: z.record(z.string(), z.string()),
  validationFraction: z.number(),
  counts: z.object({ train: z.number().int(), validation: z.number().int(), patients: z.number().int(), skipped: z.number().int() }),
  since: z.string().nullable(),
});
export type TrainingSetManifest = z.infer<typeof TrainingSetManifest>;

/** The target text in the layout the model writes and the app splits (app/report/sections.ts). */
export function suffixOf(sections: { findings: string; impression: string }): string {
  const parts: string[] = [];
  if (sections.findings.trim() !== '') parts.push(`FINDINGS: ${sections.findings.trim()}`);
  if (sections.impression.trim() !== '') parts.push(`IMPRESSION: ${sections.impression.trim()}`);
  return parts.join('\n');
}

/**
 * Patients to the validation split: the `fraction` of patients whose key sorts first (keys are hashes, so the choice
 * is fixed for a patient and independent of order), at least one when there are two or more patients.
 */
export function validationPatients(patientKeys: readonly string[], fraction: number): Set<string> {
  const unique = [...new Set(patientKeys)].sort();
  if (unique.length < 2 || fraction <= 0) return new Set();
  const count = Math.min(unique.length - 1, Math.max(1, Math.round(unique.length * fraction)));
  return new Set(unique.slice(0, count));
}
