// Validation records live beside the models, in the models folder: <modelsDir>/.validation/<model id>/record.json and
// report.html (a hidden folder, so the registry never lists it as a model; the bundled demo model's own folder may
// be read-only). A record counts only while its manifest sha256 matches the model's: re-importing a model or
// replacing its files makes it "not validated here" again.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelValidation } from '../../app/domain/model';
import type { EvalResult } from '../../app/eval/result';
import { parseValidationRecord, validationSummaryLine, VALIDATION_RECORD_VERSION, type ValidationRecord } from '../../app/eval/validation-record';
import { removeLeftoverTempFiles, writeFileAtomic } from '../export/atomic-write';

export const VALIDATION_DIR = '.validation';
const RECORD_FILE = 'record.json';
const REPORT_FILE = 'report.html';

export function validationDir(modelsDir: string, modelId: string): string {
  return join(modelsDir, VALIDATION_DIR, modelId);
}

export function recordOf(result: EvalResult): ValidationRecord {
  const m = result.metrics;
  return {
    version: VALIDATION_RECORD_VERSION,
    modelName: result.model.name,
    manifestSha256: result.model.manifestSha256,
    dtype: result.model.dtype,
    validatedAt: result.createdAt,
    source: result.dataset.kind,
    datasetName: result.dataset.name,
    datasetFingerprint: result.dataset.fingerprint,
    caseCount: result.dataset.scoredCount,
    metrics: {
      chexpertMicroF1: m.chexpertMicroF1.value,
      chexpertMacroF1: m.chexpertMacroF1.value,
      rougeL: m.rougeL.value ?? 0,
      bleu4: m.bleu[3]?.value ?? 0,
      ciderD: m.ciderD.value ?? 0,
    },
    reportFile: REPORT_FILE,
    radraftVersion: result.radraftVersion,
  };
}

/** Keeps the record and a copy of its HTML report; the newest validation of a model replaces the previous one. */
export async function saveValidation(modelsDir: string, modelId: string, result: EvalResult, htmlFile: string): Promise<ValidationRecord> {
  const dir = validationDir(modelsDir, modelId);
  await mkdir(dir, { recursive: true });
  const record = recordOf(result);
  await copyFile(htmlFile, join(dir, REPORT_FILE));
  const journalDir = join(modelsDir, VALIDATION_DIR, '.journal');
  await removeLeftoverTempFiles(journalDir);
  await writeFileAtomic(join(dir, RECORD_FILE), `${JSON.stringify(record, null, 1)}\n`, { journalDir });
  return record;
}

/** The model's record when it matches its current manifest; null when there is none (or it is for other files). */
export function readValidation(modelsDir: string, modelId: string, manifestSha256: string): ValidationRecord | null {
  const file = join(validationDir(modelsDir, modelId), RECORD_FILE);
  if (!existsSync(file)) return null;
  try {
    const record = parseValidationRecord(JSON.parse(readFileSync(file, 'utf8')) as unknown);
    return record.manifestSha256 === manifestSha256 ? record : null;
  } catch {
    // A damaged or newer record is not a validation this Radraft can vouch for: the model shows as not validated.
    return null;
  }
}

export function reportPath(modelsDir: string, modelId: string): string {
  return join(validationDir(modelsDir, modelId), REPORT_FILE);
}

/** What the Models panel shows. */
export function validationSummary(record: ValidationRecord | null, modelsDir: string, modelId: string): ModelValidation | null {
  if (!record) return null;
  return {
    validatedAt: record.validatedAt,
    caseCount: record.caseCount,
    source: record.source,
    summary: validationSummaryLine(record),
    hasReport: existsSync(reportPath(modelsDir, modelId)),
  };
}

/** The record of whichever model has this manifest (for exports, which know the model by its manifest hash). */
export async function findValidationBySha(modelsDir: string, manifestSha256: string): Promise<ValidationRecord | null> {
  const ids = await readdir(join(modelsDir, VALIDATION_DIR)).catch(() => [] as string[]);
  for (const id of ids) {
    const record = readValidation(modelsDir, id, manifestSha256);
    if (record) return record;
  }
  return null;
}
